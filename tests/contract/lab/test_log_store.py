"""The run logs store's two backends held to one behaviour: the in-memory fake and the
DynamoDB store over moto in-process (`experiment-run-logs`). Every test runs once against each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.lab.logs import DynamoLogStore
from domains.lab.logs.model import LogEntry, bound_at, position
from domains.lab.logs.ports import LogFilter, LogStore
from domains.lab.logs.services import log_ids
from domains.shared.clock import FixedClock
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.lab_logs import InMemoryLogStore

TABLES = (table_def("experiment-run-logs"),)
CURSOR_SECRET = b"logs-contract-cursor-secret-0123456"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ORG, EXP, OTHER_EXP, RUN = new_id(), new_id(), new_id(), new_id()


@pytest.fixture(scope="module")
def moto_log_tables() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="logs") as made:
        yield made


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest, clock: FixedClock) -> LogStore:
    if request.param == "memory":
        return InMemoryLogStore(clock)
    boto, client = request.getfixturevalue("moto_log_tables")
    empty_tables(boto, client, TABLES)
    return DynamoLogStore(client, cursors=CursorSigner(CURSOR_SECRET), clock=clock)


def batch(at: datetime, *specs: dict[str, Any], key: str = "", exp: str = EXP) -> list[LogEntry]:
    at_ms = int(at.timestamp() * 1000)
    received = datetime.fromtimestamp(at_ms / 1000, tz=UTC)
    return [
        LogEntry(
            ORG,
            exp,
            log_id,
            received,
            spec.get("timestamp", received),
            spec.get("component", "trainer"),
            spec.get("severity", "info"),
            spec["message"],
            spec.get("run_id"),
            spec.get("fields", {}),
        )
        for log_id, spec in zip(log_ids(at_ms, len(specs), key), specs, strict=True)
    ]


def until(at: datetime) -> LogFilter:
    return LogFilter(until=bound_at(at))


def test_write_then_read_back_newest_first_with_filters(store: LogStore) -> None:
    store.write(
        batch(
            T0,
            {"message": "a", "run_id": RUN, "fields": {"lr": 0.5, "tags": ["x"]}},
            {"message": "b", "severity": "error", "component": "io"},
            {"message": "c", "timestamp": T0 - timedelta(hours=2)},
        )
        + batch(T0, {"message": "elsewhere"}, exp=OTHER_EXP)
    )
    bound = bound_at(T0 + timedelta(seconds=1))
    page = store.newest(ORG, EXP, LogFilter(until=bound), PageRequest())
    assert [e.message for e in page.items] == ["c", "b", "a"]
    assert page.items[2].fields == {"lr": 0.5, "tags": ["x"]} and page.items[2].run_id == RUN
    assert page.items[0].timestamp == T0 - timedelta(hours=2)
    flt = LogFilter(until=bound, severities=("error", "critical"))
    assert [e.message for e in store.newest(ORG, EXP, flt, PageRequest()).items] == ["b"]
    flt = LogFilter(until=bound, component="io")
    assert [e.message for e in store.newest(ORG, EXP, flt, PageRequest()).items] == ["b"]
    flt = LogFilter(until=bound, run_id=RUN)
    assert [e.message for e in store.newest(ORG, EXP, flt, PageRequest()).items] == ["a"]
    flt = LogFilter(until=bound, time_from=T0 - timedelta(hours=1))
    assert [e.message for e in store.newest(ORG, EXP, flt, PageRequest()).items] == ["b", "a"]
    flt = LogFilter(until=bound, time_to=T0 - timedelta(hours=1))
    assert [e.message for e in store.newest(ORG, EXP, flt, PageRequest()).items] == ["c"]
    assert store.newest(ORG, EXP, until(T0 - timedelta(seconds=1)), PageRequest()).items == []


def test_pages_and_tails(store: LogStore) -> None:
    first = batch(T0, *({"message": f"m{i}"} for i in range(5)))
    second = batch(T0 + timedelta(seconds=10), {"message": "later"})
    store.write(first + second)
    flt = until(T0 + timedelta(minutes=1))
    one = store.newest(ORG, EXP, flt, PageRequest(limit=4))
    two = store.newest(ORG, EXP, flt, PageRequest(limit=4, cursor=one.next_cursor))
    assert [e.message for e in [*one.items, *two.items]] == ["later", "m4", "m3", "m2", "m1", "m0"]
    assert two.next_cursor is None
    items, more = store.after(ORG, EXP, flt, bound_at(T0 - timedelta(seconds=1)), 3)
    assert [e.message for e in items] == ["m0", "m1", "m2"] and more
    items, more = store.after(ORG, EXP, flt, f"{position(items[-1])}~", 3)
    assert [e.message for e in items] == ["m3", "m4", "later"] and not more
    items, _ = store.after(ORG, EXP, until(T0 + timedelta(seconds=5)), bound_at(T0), 10)
    assert items == []  # nothing in (T0, T0 + 5s]


def test_claims_and_rewrites_never_double(store: LogStore, clock: FixedClock) -> None:
    at_ms = int(T0.timestamp() * 1000)
    assert store.claim_batch(ORG, EXP, "k", at_ms) == at_ms
    assert store.claim_batch(ORG, EXP, "k", at_ms + 5000) == at_ms
    assert store.claim_batch(ORG, EXP, "k2", at_ms + 5000) == at_ms + 5000
    lines = batch(T0, {"message": "x"}, {"message": "y"}, key="k")
    store.write(lines)
    store.write(lines)
    flt = until(T0 + timedelta(seconds=1))
    assert len(store.newest(ORG, EXP, flt, PageRequest()).items) == 2


def test_expired_lines_are_left_out(store: LogStore, clock: FixedClock) -> None:
    store.write(batch(T0, {"message": "old"}))
    clock.advance(days=31)
    flt = until(clock.now())
    assert store.newest(ORG, EXP, flt, PageRequest()).items == []
    assert store.after(ORG, EXP, flt, bound_at(T0 - timedelta(days=1)), 10) == ([], False)


def test_only_warnings_and_above_are_indexed_by_severity(
    moto_log_tables: tuple[Any, DynamoClient],
) -> None:
    boto, client = moto_log_tables
    empty_tables(boto, client, TABLES)
    store = DynamoLogStore(client, cursors=CursorSigner(CURSOR_SECRET), clock=FixedClock(T0))
    store.write(batch(T0, *({"message": s, "severity": s} for s in ("debug", "info", "error"))))
    items = client.scan("experiment-run-logs")["Items"]
    indexed = {i["severity"]["S"] for i in items if "gsi3pk" in i}
    assert len(items) == 3 and indexed == {"error"}
    assert all("gsi4pk" in i for i in items)  # every line awaits the archive
