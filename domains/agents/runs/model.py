"""Agent runs: one execution of an agent as its runtime reports it (status, timings, tokens,
cost, inputs and outputs, an error, per-node steps). Runs are immutable once logged and expire
RETENTION after they started (the table's TTL).

A run's id is a ULID whose time part is its start (milliseconds), so the id alone finds the
run's key (`RUN#<started_at>#<id>`), and ids sort as the runs started.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from domains.shared.errors import ValidationFailed

RUN_STATUSES = ("running", "succeeded", "failed", "cancelled", "timed_out")
STEP_STATUSES = (*RUN_STATUSES, "skipped")
RETENTION = timedelta(days=180)
FUTURE_SKEW = timedelta(minutes=5)  # a runtime's clock may run a little ahead of ours
DURATION_TOLERANCE_MS = 1000  # finished_at - started_at against a duration_ms also sent
MAX_STEPS = 500
MAX_IO_CHARS = 1_000_000  # inputs, outputs: each, as JSON text (large ones go to S3)

Problem = dict[str, Any]


def utc(moment: datetime) -> datetime:
    """Aware and in UTC (a naive time is taken as UTC), to the millisecond: the precision of
    the run's key and id."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    aware = aware.astimezone(UTC)
    return aware.replace(microsecond=aware.microsecond // 1000 * 1000)


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def money(value: Decimal) -> str:
    """A cost as plain decimal text (`0.0042`, never `4.2E-3`), the same from any store."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)


@dataclass(frozen=True)
class RunError:
    type: str
    message: str = ""


@dataclass(frozen=True)
class RunStep:
    """One node's part of a run; a node inside a loop may appear several times."""

    node_id: str
    status: str
    started_at: datetime | None = None
    duration_ms: int | None = None
    tokens: int | None = None
    cost: Decimal | None = None
    error: RunError | None = None


@dataclass(frozen=True)
class AgentRun:
    org_id: str
    agent_id: str
    id: str
    project_id: str
    user_id: str  # the user, or the user an API key acts for
    actor: str  # who logged it, as audit names them (`apikey:<id>` for a key)
    status: str
    started_at: datetime
    logged_at: datetime
    finished_at: datetime | None = None
    duration_ms: int | None = None
    agent_version: int | None = None
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    cost: Decimal = Decimal(0)
    inputs: Any = None
    outputs: Any = None
    error: RunError | None = None
    steps: tuple[RunStep, ...] = ()

    @property
    def expires_at(self) -> datetime:
        return self.started_at + RETENTION

    @property
    def day(self) -> str:
        return f"{self.started_at:%Y-%m-%d}"


@dataclass(frozen=True)
class RunDraft:
    """A run as posted, checked: what a logged run is made of, before it has an id."""

    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None
    agent_version: int | None = None
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    cost: Decimal = Decimal(0)
    inputs: Any = None
    outputs: Any = None
    error: RunError | None = None
    steps: tuple[RunStep, ...] = field(default_factory=tuple)

    def fingerprint(self) -> str:
        """What makes two posts the same run (a replayed Idempotency-Key must match it)."""
        body = {
            **{k: v for k, v in self.__dict__.items() if k not in ("steps", "error", "cost")},
            "cost": money(self.cost),
            "error": self.error.__dict__ if self.error else None,
            "steps": [{**s.__dict__, "error": s.error and s.error.__dict__} for s in self.steps],
        }
        return hashlib.sha256(json_text(body).encode()).hexdigest()


@dataclass(frozen=True)
class RunReplay:
    """The table's own record of an Idempotency-Key: the run it made, and what was posted."""

    org_id: str
    agent_id: str
    actor: str
    key: str
    run_id: str
    fingerprint: str
    expires_at: datetime


def _timing(
    status: str,
    started: datetime,
    finished: datetime | None,
    duration_ms: int | None,
    found: list[Problem],
) -> tuple[datetime | None, int | None]:
    """finished_at and duration_ms, each derived from the other when one is missing."""
    if status == "running":
        if finished is not None:
            found.append({"loc": ["finished_at"], "msg": "a running run has not finished"})
        return None, duration_ms
    if finished is None and duration_ms is None:
        found.append(
            {"loc": ["finished_at"], "msg": "a finished run needs finished_at or duration_ms"}
        )
        return None, None
    if finished is not None:
        measured = epoch_ms(finished) - epoch_ms(started)
        if measured < 0:
            found.append({"loc": ["finished_at"], "msg": "before started_at"})
        elif duration_ms is not None and abs(measured - duration_ms) > DURATION_TOLERANCE_MS:
            found.append({"loc": ["duration_ms"], "msg": "disagrees with finished_at - started_at"})
        return finished, duration_ms if duration_ms is not None else max(measured, 0)
    assert duration_ms is not None
    return started + timedelta(milliseconds=duration_ms), duration_ms


def _started(raw: datetime, now: datetime, found: list[Problem]) -> datetime:
    started = utc(raw)
    if started > now + FUTURE_SKEW:
        found.append({"loc": ["started_at"], "msg": "in the future"})
    elif started + RETENTION <= now:
        days = RETENTION.days
        found.append({"loc": ["started_at"], "msg": f"older than the {days} days runs are kept"})
    return started


def _io(name: str, value: Any, found: list[Problem]) -> None:
    if value is not None and len(json_text(value)) > MAX_IO_CHARS:
        found.append({"loc": [name], "msg": f"at most {MAX_IO_CHARS} characters as JSON"})


def _steps(steps: tuple[RunStep, ...], found: list[Problem]) -> tuple[RunStep, ...]:
    if len(steps) > MAX_STEPS:
        found.append({"loc": ["steps"], "msg": f"at most {MAX_STEPS} steps"})
    checked = []
    for i, step in enumerate(steps):
        if step.status not in STEP_STATUSES:
            found.append({"loc": ["steps", i, "status"], "msg": f"one of {list(STEP_STATUSES)}"})
        if step.error is not None and step.status in ("succeeded", "skipped"):
            found.append({"loc": ["steps", i, "error"], "msg": f"a {step.status} step has none"})
        started = utc(step.started_at) if step.started_at else None
        checked.append(RunStep(**{**step.__dict__, "started_at": started}))
    return tuple(checked)


def check_run(
    *,
    now: datetime,
    status: str,
    started_at: datetime,
    finished_at: datetime | None = None,
    duration_ms: int | None = None,
    error: RunError | None = None,
    steps: tuple[RunStep, ...] = (),
    inputs: Any = None,
    outputs: Any = None,
    **rest: Any,
) -> RunDraft:
    """The posted run, checked as a whole: 422 with one problem per field."""
    found: list[Problem] = []
    if status not in RUN_STATUSES:
        found.append({"loc": ["status"], "msg": f"one of {list(RUN_STATUSES)}"})
    started = _started(started_at, now, found)
    finished, duration = _timing(
        status, started, utc(finished_at) if finished_at else None, duration_ms, found
    )
    if error is not None and status == "succeeded":
        found.append({"loc": ["error"], "msg": "a succeeded run has no error"})
    _io("inputs", inputs, found)
    _io("outputs", outputs, found)
    checked_steps = _steps(steps, found)
    if found:
        raise ValidationFailed("the run is not valid", errors=found)
    return RunDraft(
        status,
        started,
        finished,
        duration,
        error=error,
        steps=checked_steps,
        inputs=inputs,
        outputs=outputs,
        **rest,
    )


def check_window(start: datetime | None, end: datetime | None) -> tuple[datetime | None, ...]:
    """A list's time range on started_at (either end open)."""
    low, high = (utc(start) if start else None), (utc(end) if end else None)
    if low and high and low > high:
        raise ValidationFailed(
            "the range ends before it starts", errors=[{"loc": ["to"], "msg": "before from"}]
        )
    return low, high
