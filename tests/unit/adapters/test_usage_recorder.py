"""The Redis usage recorder on fakes: the buffer's fields, and the synchronous fallback."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
import redis

from adapters.events.usage import (
    RedisUsageRecorder,
    UsageBufferKeys,
    decode_field,
    encode_field,
)
from domains.shared.clock import FixedClock
from domains.shared.errors import ValidationFailed
from domains.shared.usage import UsageKey

KEYS = UsageBufferKeys.of("t:test:usage")


class FlakyRedis:
    """HINCRBY into dicts, or ConnectionError while `down`."""

    def __init__(self) -> None:
        self.down = False
        self.calls = 0
        self.hashes: dict[str, Counter[str]] = {}

    def hincrby(self, name: str, field: str, amount: int) -> int:
        self.calls += 1
        if self.down:
            raise redis.ConnectionError("Connection refused")
        self.hashes.setdefault(name, Counter())[field] += amount
        return self.hashes[name][field]


class Counts:
    def __init__(self) -> None:
        self.added: Counter[UsageKey] = Counter()

    def add(self, key: UsageKey, amount: int) -> None:
        self.added[key] += amount

    def add_once(self, key: UsageKey, amount: int, flush_id: int) -> bool:
        raise AssertionError("the recorder never flushes")


@pytest.fixture
def rig():  # type: ignore[no-untyped-def]
    now = [100.0]
    fake, counts = FlakyRedis(), Counts()
    recorder = RedisUsageRecorder(
        fake,  # type: ignore[arg-type]
        keys=KEYS,
        counts=counts,
        clock=FixedClock(datetime(2026, 5, 4, 23, 0, tzinfo=UTC)),
        retry_after=5.0,
        monotonic=lambda: now[0],
    )
    return recorder, fake, counts, now


def test_fields_name_organisation_counter_and_day_and_read_back() -> None:
    key = UsageKey("01J9Z8R0AAAA", "template.used", "2026-05-04")
    assert encode_field(key) == "01J9Z8R0AAAA|template.used|2026-05-04"
    assert decode_field(encode_field(key)) == key
    assert KEYS.pending == "{t:test:usage}:pending"


def test_an_event_is_one_increment_of_the_pending_hash(rig) -> None:  # type: ignore[no-untyped-def]
    recorder, fake, counts, _ = rig
    recorder.record(org_id="o1", counter="agent.run")
    recorder.record(org_id="o1", counter="agent.run", amount=4)
    recorder.record(org_id="o1", counter="agent.run", at=datetime(2026, 5, 5, 1, tzinfo=UTC))
    assert fake.hashes[KEYS.pending] == {"o1|agent.run|2026-05-04": 5, "o1|agent.run|2026-05-05": 1}
    assert not counts.added


def test_with_redis_down_events_are_added_at_once_and_redis_is_retried_later(rig) -> None:  # type: ignore[no-untyped-def]
    recorder, fake, counts, now = rig
    fake.down = True
    for _ in range(3):
        recorder.record(org_id="o1", counter="prompt.rendered", amount=2)
    assert counts.added == {UsageKey("o1", "prompt.rendered", "2026-05-04"): 6}
    assert fake.calls == 1  # one failed attempt, then Redis is left alone for a while
    fake.down = False
    now[0] += 5.1
    recorder.record(org_id="o1", counter="prompt.rendered")
    assert fake.hashes[KEYS.pending] == {"o1|prompt.rendered|2026-05-04": 1}
    assert sum(counts.added.values()) == 6


def test_a_malformed_event_is_refused_before_anything_is_counted(rig) -> None:  # type: ignore[no-untyped-def]
    recorder, fake, counts, _ = rig
    with pytest.raises(ValidationFailed):
        recorder.record(org_id="o1", counter="agent.run", amount=0)
    with pytest.raises(ValidationFailed):
        recorder.record(org_id="o|1", counter="agent.run")
    assert fake.calls == 0 and not counts.added
