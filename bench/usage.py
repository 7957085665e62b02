"""The usage pipeline's workload: events recorded into Redis, then one flush to DynamoDB; and
the synchronous path taken when Redis cannot be reached."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import redis

from nexus.container import Container, build_container
from nexus.embedded import free_port

ORGS = tuple(f"01BENCH{i}" for i in range(5))
COUNTERS = ("template.used", "agent.run", "prompt.rendered", "lesson.viewed")


@dataclass(frozen=True)
class UsageLine:
    name: str
    events: int
    seconds: float
    writes: int

    @property
    def per_second(self) -> float:
        return self.events / self.seconds

    @property
    def writes_per_thousand(self) -> float:
        return self.writes * 1000 / self.events


def _record(built: Container, events: int) -> None:
    recorder, rng = built.usage.recorder(), random.Random(6)
    for _ in range(events):
        recorder.record(org_id=rng.choice(ORGS), counter=rng.choice(COUNTERS))


def _updates(built: Container, run: object) -> tuple[float, int]:
    """Seconds `run()` took and the UpdateItem calls it made on `aggregated-analytics`."""
    with built.gateways.recorder().capture() as calls:
        started = time.perf_counter()
        run()  # type: ignore[operator]
        seconds = time.perf_counter() - started
    writes = [c for c in calls if c.operation == "UpdateItem" and c.table == "aggregated-analytics"]
    return seconds, len(writes)


def usage_lines(built: Container, events: int) -> Iterator[UsageLine]:
    """Through Redis (`events`, then one flush), then synchronously (a tenth as many)."""
    keys = built.usage.keys()
    try:
        built.usage.redis().delete(*keys.all())
    except redis.RedisError as error:
        print(f"(no Redis at {built.config().redis_url}: {error}; buffered line left out)")
    else:
        recorded, _ = _updates(built, lambda: _record(built, events))
        flushed, writes = _updates(built, built.usage.flusher().flush)
        yield UsageLine(
            f"record {events} events in Redis, then flush", events, recorded + flushed, writes
        )
        yield UsageLine("  recording alone (one HINCRBY per event)", events, recorded, 0)
        built.usage.redis().delete(*keys.all())
    down = build_container(replace(built.config(), redis_url=f"redis://127.0.0.1:{free_port()}"))
    seconds, writes = _updates(down, lambda: _record(down, events // 10))
    yield UsageLine("Redis unreachable: one ADD per event", events // 10, seconds, writes)
