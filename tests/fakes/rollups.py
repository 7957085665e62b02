"""In-memory fakes of the roll-up ports (held to the DynamoDB adapters by the contract suite),
and events made at a chosen time (their ids carry it, as real events' do)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from domains.analytics.execution import RunFact
from domains.analytics.rollups import HOUR, DirtyHour, Rollup, period_key
from domains.shared.events import DomainEvent
from domains.shared.ids import id_range, new_id

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class InMemoryRollupStore:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str, str], Rollup] = {}
        self.puts = 0

    def put(self, rollup: Rollup) -> None:
        self.puts += 1
        self.items[(rollup.org_id, rollup.metric, rollup.granularity, rollup.key)] = rollup

    def window(
        self, org_id: str, metric: str, granularity: str, first: datetime, last: datetime
    ) -> list[Rollup]:
        low, high = period_key(first, granularity), period_key(last, granularity)
        found = [
            r
            for (org, name, gran, key), r in self.items.items()
            if (org, name, gran) == (org_id, metric, granularity) and low <= key <= high
        ]
        return sorted(found, key=lambda r: r.key)


class InMemoryDirtyPeriods:
    def __init__(self) -> None:
        self.marks: dict[tuple[str, str], DirtyHour] = {}

    def mark(self, org_id: str, hour: datetime) -> None:
        key = (period_key(hour, HOUR), org_id)
        self.marks[key] = DirtyHour(org_id, hour, new_id())

    def pending(self, *, limit: int) -> list[DirtyHour]:
        return [self.marks[key] for key in sorted(self.marks)][:limit]

    def clear(self, mark: DirtyHour) -> bool:
        key = (period_key(mark.hour, HOUR), mark.org_id)
        if key not in self.marks or self.marks[key].token != mark.token:
            return False
        del self.marks[key]
        return True


def event_at(
    name: str,
    /,
    *,
    org_id: str,
    actor_id: str,
    at: datetime,
    resource: tuple[str, str],
    **data: Any,
) -> DomainEvent:
    """An event made at `at`: its id is a ULID of that millisecond (not `new_id`, which never
    goes back in time)."""
    ms = int(at.timestamp() * 1000)
    event_id = id_range(ms, ms + 1)[0][:10] + "".join(secrets.choice(ALPHABET) for _ in range(16))
    return DomainEvent(name, org_id, actor_id, resource[0], resource[1], at, data, id=event_id)


class InMemoryRunWindow:
    """The RunWindow port over a list of runs (held to the DynamoDB adapter by the contract
    suite): [start, end) by `started_at`, oldest first."""

    def __init__(self) -> None:
        self.runs: dict[str, list[RunFact]] = {}

    def log(self, org_id: str, run: RunFact) -> None:
        self.runs.setdefault(org_id, []).append(run)

    def runs_between(self, org_id: str, start: datetime, end: datetime) -> Iterator[RunFact]:
        found = [r for r in self.runs.get(org_id, []) if start <= r.started_at < end]
        yield from sorted(found, key=lambda r: (r.started_at, r.run_id))
