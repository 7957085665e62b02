"""Posting and reading experiment run logs.

Posting: up to MAX_BATCH lines per call (editor on the experiment's project, its experiment not
deleted; a run_id must name a run of that experiment). The lines get positions at write time
(see model). With a batch key (the Idempotency-Key) the batch's write time is claimed once and
the log ids are derived from the key and the line's place in the batch, so a retried batch,
even one cut short, writes the same items again instead of doubling them. Lines are not
events: each call adds its count to the `experiment.log` usage counter.

Reading (viewer): newest-first pages, or a tail: `since` a cursor, oldest first. Every read
stops at the *settled bound*, SETTLE before now: a write takes its position when it starts, so
a line younger than that may still be on its way while a later one is already readable; a
cursor never passes the bound, so such a line is returned by the next tail call, once.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domains.lab.access import ProjectAccess
from domains.lab.logs.model import (
    MAX_BATCH,
    SEVERITIES,
    LogEntry,
    LogLine,
    at_or_above,
    bound_at,
    check_line,
    invalid,
    position,
)
from domains.lab.logs.ports import LogFilter, LogStore
from domains.lab.tracking.model import Experiment
from domains.lab.tracking.ports import UnitOfWorkFactory
from domains.lab.tracking.selectors import experiment_with_role
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, NotFound
from domains.shared.ids import _ALPHABET, is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext
from domains.shared.usage import UsageRecorder

SETTLE = timedelta(seconds=2)
USAGE_COUNTER = "experiment.log"
MAX_TAIL = 500
# A tail cursor: a position bound, with `_` for the sort key's `#` (safe in a query string).
_CURSOR = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z_[0-9A-Z]{0,26}~$")


def _external(bound: str) -> str:
    return bound.replace("#", "_")


def _b32(value: int, length: int) -> str:
    return "".join(_ALPHABET[(value >> (5 * (length - 1 - i))) & 31] for i in range(length))


def log_ids(at_ms: int, count: int, batch_key: str) -> list[str]:
    """ULID-shaped ids of a batch written at `at_ms`: time (10), the batch (12: from the key,
    or random), the line's place (4), so a batch's lines sort in the order sent."""
    seed = hashlib.sha256(batch_key.encode()).digest() if batch_key else os.urandom(8)
    batch = _b32(int.from_bytes(seed[:8], "big"), 12)
    return [_b32(at_ms, 10) + batch + _b32(i, 4) for i in range(count)]


@dataclass(frozen=True)
class PostedLogs:
    received: int
    log_ids: list[str]
    received_at: datetime


@dataclass(frozen=True)
class Tail:
    items: list[LogEntry]
    cursor: str  # pass back as `since`
    more: bool  # more lines were already there: call again at once


@dataclass(frozen=True)
class LogQuery:
    run_id: str | None = None
    min_severity: str | None = None
    component: str | None = None
    time_from: datetime | None = None
    time_to: datetime | None = None


class LogService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        store: LogStore,
        projects: ProjectAccess,
        clock: Clock,
        usage: UsageRecorder,
        settle: timedelta = SETTLE,
    ) -> None:
        self._uow = uow
        self._store = store
        self._projects = projects
        self._clock = clock
        self._usage = usage
        self._settle = settle

    def post(
        self,
        *,
        ctx: TenantContext,
        experiment_id: str,
        lines: Sequence[LogLine],
        batch_key: str = "",
    ) -> PostedLogs:
        ctx.require(Permission.LAB_WRITE)
        if not 1 <= len(lines) <= MAX_BATCH:
            raise invalid(["entries"], f"1 to {MAX_BATCH} entries per call")
        now = self._clock.now()
        checked = [check_line(line, i, now) for i, line in enumerate(lines)]
        with self._uow() as uow:
            experiment = experiment_with_role(self._projects, ctx, uow, experiment_id, "editor")
            if not experiment.active:
                raise Conflict("the experiment is deleted: restore it first")
            for run_id in sorted({c.run_id for c in checked if c.run_id}):
                run = uow.runs.get(ctx.org_id, run_id) if is_valid_id(run_id) else None
                if run is None or run.experiment_id != experiment.id:
                    i = next(i for i, c in enumerate(checked) if c.run_id == run_id)
                    raise invalid(["entries", i, "run_id"], "not a run of this experiment")
        at_ms = int(now.timestamp() * 1000)
        if batch_key:
            at_ms = self._store.claim_batch(ctx.org_id, experiment.id, batch_key, at_ms)
        received_at = datetime.fromtimestamp(at_ms / 1000, tz=now.tzinfo)
        ids = log_ids(at_ms, len(checked), batch_key)
        entries = [
            LogEntry(
                org_id=ctx.org_id,
                experiment_id=experiment.id,
                log_id=log_id,
                received_at=received_at,
                timestamp=line.timestamp or now,
                component=line.component,
                severity=line.severity,
                message=line.message,
                run_id=line.run_id,
                fields=line.fields,
            )
            for log_id, line in zip(ids, checked, strict=True)
        ]
        self._store.write(entries)
        self._usage.record(org_id=ctx.org_id, counter=USAGE_COUNTER, amount=len(entries))
        return PostedLogs(len(entries), ids, received_at)

    def _readable(self, ctx: TenantContext, experiment_id: str, query: LogQuery) -> Experiment:
        ctx.require(Permission.LAB_READ)
        if query.min_severity is not None and query.min_severity not in SEVERITIES:
            raise invalid(["min_severity"], f"one of {', '.join(SEVERITIES)}")
        if query.time_from and query.time_to and query.time_from > query.time_to:
            raise invalid(["from"], "from is after to")
        with self._uow() as uow:
            experiment = experiment_with_role(self._projects, ctx, uow, experiment_id, "viewer")
            if query.run_id is not None:
                run = uow.runs.get(ctx.org_id, query.run_id) if is_valid_id(query.run_id) else None
                if run is None or run.experiment_id != experiment.id:
                    raise NotFound("run not found")
        return experiment

    def _filter(self, query: LogQuery, until: str) -> LogFilter:
        return LogFilter(
            until=until,
            run_id=query.run_id,
            severities=at_or_above(query.min_severity) if query.min_severity else None,
            component=query.component,
            time_from=query.time_from,
            time_to=query.time_to,
        )

    def settled(self) -> str:
        """The settled bound now: reads and cursors stop there."""
        return bound_at(self._clock.now() - self._settle)

    def list(
        self, *, ctx: TenantContext, experiment_id: str, query: LogQuery, page: PageRequest
    ) -> tuple[Page[LogEntry], str]:
        """Newest first, and the cursor to tail from (the settled bound: the first page holds
        no line past it, so tailing from it returns each later line once)."""
        experiment = self._readable(ctx, experiment_id, query)
        until = self.settled()
        found = self._store.newest(ctx.org_id, experiment.id, self._filter(query, until), page)
        return found, _external(until)

    def tail(
        self,
        *,
        ctx: TenantContext,
        experiment_id: str,
        query: LogQuery,
        since: str,
        limit: int = 100,
    ) -> Tail:
        if not _CURSOR.match(since):
            raise invalid(["since"], "a cursor from an earlier answer")
        if not 1 <= limit <= MAX_TAIL:
            raise invalid(["limit"], f"1 to {MAX_TAIL}")
        experiment = self._readable(ctx, experiment_id, query)
        until = self.settled()
        after = since.replace("_", "#")
        if after >= until:
            return Tail([], since, False)
        flt = self._filter(query, until)
        items, more = self._store.after(ctx.org_id, experiment.id, flt, after, limit)
        cursor = f"{position(items[-1])}~" if more and items else until
        return Tail(items, _external(cursor), more)
