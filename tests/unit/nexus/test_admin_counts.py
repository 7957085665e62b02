"""The dashboard's item counts are kept per process for a few minutes (DynamoDB refreshes
ItemCount only about every six hours), per store, and can be refreshed at will."""

from __future__ import annotations

from nexus.admin.counts import ItemCountCache


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _counter() -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> list[int]:
        calls.append(1)
        return [len(calls)]

    return calls, compute


def test_counts_are_computed_once_until_they_are_older_than_the_ttl() -> None:
    ticks, (calls, compute) = Ticks(), _counter()
    cache = ItemCountCache(ttl_seconds=300, clock=ticks)
    first = cache.get("store", compute)
    ticks.now += 299
    assert cache.get("store", compute) == first and len(calls) == 1
    ticks.now += 2
    assert cache.get("store", compute).rows == [2] and len(calls) == 2


def test_a_refresh_recomputes_at_once_and_restarts_the_ttl() -> None:
    ticks, (calls, compute) = Ticks(), _counter()
    cache = ItemCountCache(ttl_seconds=300, clock=ticks)
    cache.get("store", compute)
    ticks.now += 10
    refreshed = cache.get("store", compute, refresh=True)
    assert refreshed.rows == [2] and refreshed.age(ticks()) == 0
    ticks.now += 295
    assert cache.get("store", compute).rows == [2] and len(calls) == 2


def test_another_store_never_reads_the_counts_of_the_last_one() -> None:
    ticks, (calls, compute) = Ticks(), _counter()
    cache = ItemCountCache(ttl_seconds=300, clock=ticks)
    cache.get("one", compute)
    assert cache.get("two", compute).rows == [2]
    assert cache.get("one", compute).rows == [3] and len(calls) == 3
