"""The usage pipeline against a real Redis and DynamoDB over moto in-process: exact counts with
one write per counter per flush, flushes racing the recorders, and Redis unreachable."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from adapters.dynamodb.recorder import CallRecord
from adapters.events.usage_flush import UsageFlusher
from domains.shared.usage import UsageKey
from nexus.container import build_container
from nexus.embedded import free_port
from tests.integration.usage_rig import (
    FAR_FUTURE,
    FAR_PAST,
    buffered,
    live_redis_url,
    usage_config,
    usage_stack,
)

ORGS = ("01ORGA", "01ORGB", "01ORGC")
COUNTERS = ("template.used", "agent.run", "prompt.rendered", "lesson.viewed")
DAYS = (datetime(2026, 6, 1, 9, tzinfo=UTC), datetime(2026, 6, 2, 23, 59, tzinfo=UTC))
EVENTS = 10_000
RECORDERS = 4


@pytest.fixture
def stack(aws):  # type: ignore[no-untyped-def]
    yield from usage_stack(usage_config(redis_url=live_redis_url()))


def _writes(calls: list[CallRecord]) -> int:
    return sum(
        1 for c in calls if c.operation == "UpdateItem" and c.table == "aggregated-analytics"
    )


def _stored(built, keys) -> Counter[UsageKey]:  # type: ignore[no-untyped-def]
    counts = built.usage.counts()
    stored: Counter[UsageKey] = Counter()
    for org, counter in {(k.org_id, k.counter) for k in keys}:
        for day, count in counts.daily(org, counter, FAR_PAST, FAR_FUTURE).items():
            stored[UsageKey(org, counter, day)] = count
    return stored


def _record_randomly(recorder, seed: int, n: int, expected: Counter[UsageKey]) -> None:  # type: ignore[no-untyped-def]
    rng, mine = random.Random(seed), Counter[UsageKey]()
    for _ in range(n):
        org, counter, at = rng.choice(ORGS), rng.choice(COUNTERS), rng.choice(DAYS)
        recorder.record(org_id=org, counter=counter, at=at)
        mine[UsageKey.of(org_id=org, counter=counter, at=at)] += 1
    expected.update(mine)  # Counter.update under the GIL: one call per thread


def test_ten_thousand_events_end_exact_with_one_write_per_counter_per_flush(stack) -> None:  # type: ignore[no-untyped-def]
    recorder, flusher = stack.usage.recorder(), stack.usage.flusher()
    wire = stack.gateways.recorder()
    expected: Counter[UsageKey] = Counter()
    threads = [
        threading.Thread(
            target=_record_randomly, args=(recorder, seed, EVENTS // RECORDERS, expected)
        )
        for seed in range(RECORDERS)
    ]
    for thread in threads:
        thread.start()
    reports = []
    while any(t.is_alive() for t in threads) or not reports or reports[-1].counters:
        with wire.capture() as calls:
            report = flusher.flush()  # flushes race the recorders until the buffer is empty
        assert not report.busy and report.skipped == 0
        assert _writes(calls) == report.counters == report.applied
        assert report.counters <= len(ORGS) * len(COUNTERS) * len(DAYS)
        reports.append(report)
        time.sleep(0.1)  # a beat-like cadence (the real one is 10 s)
    for thread in threads:
        thread.join()

    assert sum(expected.values()) == EVENTS
    assert _stored(stack, expected) == expected
    assert sum(r.events for r in reports) == EVENTS
    assert buffered(stack) == {stack.usage.keys().pending: 0, stack.usage.keys().flushing: 0}


def test_a_second_flush_while_one_runs_is_busy_and_an_empty_buffer_flushes_nothing(stack) -> None:  # type: ignore[no-untyped-def]
    keys, client = stack.usage.keys(), stack.usage.redis()
    client.set(keys.lock, "someone-else", px=5_000)
    stack.usage.recorder().record(org_id="01ORGA", counter="agent.run")
    assert stack.usage.flusher().flush().busy
    client.delete(keys.lock)
    first = stack.usage.flusher().flush()
    assert (first.busy, first.applied, len(first.flush_ids)) == (False, 1, 1)
    assert stack.usage.flusher().flush().flush_ids == []
    assert client.get(keys.lock) is None


class DiesAfter:
    """The real counts, until the worker "dies" before its n+1-th add."""

    def __init__(self, counts, n: int) -> None:  # type: ignore[no-untyped-def]
        self.counts, self.left = counts, n

    def add_once(self, key: UsageKey, amount: int, flush_id: int) -> bool:
        if self.left == 0:
            raise SystemExit("worker died mid-flush")
        self.left -= 1
        return bool(self.counts.add_once(key, amount, flush_id))


def test_a_leftover_flush_is_replayed_without_doubling_then_pending_follows(stack) -> None:  # type: ignore[no-untyped-def]
    """A flush that died after applying some counters: the replay skips those, applies the
    rest, then flushes what was recorded meanwhile, all in one run."""
    recorder, counts, keys = stack.usage.recorder(), stack.usage.counts(), stack.usage.keys()
    for i in range(6):
        recorder.record(org_id=f"01ORG{i}", counter="agent.run", amount=i + 1, at=DAYS[0])
    dying = UsageFlusher(stack.usage.redis(), keys=keys, counts=DiesAfter(counts, 3))
    with pytest.raises(SystemExit):
        dying.flush()
    recorder.record(org_id="01ORG0", counter="agent.run", amount=10, at=DAYS[0])
    assert buffered(stack) == {keys.pending: 1, keys.flushing: 6}

    report = stack.usage.flusher().flush()
    assert report.resumed and len(report.flush_ids) == 2
    assert (report.skipped, report.applied, report.events) == (3, 4, 4 + 5 + 6 + 10)
    stored = {i: counts.daily(f"01ORG{i}", "agent.run", FAR_PAST, FAR_FUTURE) for i in range(6)}
    assert stored == {i: {"2026-06-01": i + 1 + (10 if i == 0 else 0)} for i in range(6)}
    assert buffered(stack) == {keys.pending: 0, keys.flushing: 0}


def test_an_older_flush_cannot_add_after_a_newer_one(stack) -> None:  # type: ignore[no-untyped-def]
    counts = stack.usage.counts()
    key = UsageKey("01ORGA", "agent.run", "2026-06-01")
    assert counts.add_once(key, 5, flush_id=200)
    assert not counts.add_once(key, 5, flush_id=200)  # a replay
    assert not counts.add_once(key, 7, flush_id=100)  # a straggler that outlived its lease
    counts.add(key, 1)  # a synchronous add leaves the flush mark alone
    assert not counts.add_once(key, 5, flush_id=200)
    assert counts.add_once(key, 2, flush_id=201)
    assert counts.daily("01ORGA", "agent.run", FAR_PAST, FAR_FUTURE) == {"2026-06-01": 8}


def test_with_redis_unreachable_every_event_is_written_through_and_none_is_lost(stack) -> None:  # type: ignore[no-untyped-def]
    down = build_container(replace(stack.config(), redis_url=f"redis://127.0.0.1:{free_port()}"))
    recorder, counts = down.usage.recorder(), down.usage.counts()
    at = datetime(2026, 6, 1, 12, tzinfo=UTC)
    with down.gateways.recorder().capture() as calls:
        for i in range(200):
            recorder.record(
                org_id="01ORGA", counter="agent.run", at=at + timedelta(hours=12 * (i % 2))
            )
        recorder.record(org_id="01ORGB", counter="template.used", amount=3, at=at)
    assert _writes(calls) == 201  # one add per event, straight to DynamoDB
    assert counts.daily("01ORGA", "agent.run", FAR_PAST, FAR_FUTURE) == {
        "2026-06-01": 100,
        "2026-06-02": 100,
    }
    # Other processes still reach Redis: their buffered counts and the direct adds sum up.
    stack.usage.recorder().record(org_id="01ORGB", counter="template.used", amount=4, at=at)
    assert stack.usage.flusher().flush().applied == 1
    assert counts.daily("01ORGB", "template.used", FAR_PAST, FAR_FUTURE) == {"2026-06-01": 7}


def test_beat_sends_the_flush_every_ten_seconds() -> None:
    from nexus.celery_app import app
    from nexus.tasks_usage import flush_usage

    entry = app.conf.beat_schedule["flush-usage"]
    assert entry["task"] == flush_usage.name == "nexus.usage.flush"
    assert entry["schedule"] == 10.0
    assert "nexus.tasks_usage" in app.conf.include
