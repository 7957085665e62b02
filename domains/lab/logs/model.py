"""A log line of an experiment (and maybe one of its runs), and the rules on a batch of them.

Order. Each line gets, when it is written, a position: the server's time of the write (the
batch's `received_at`, milliseconds) and a ULID-shaped `log_id` whose time part is that same
moment and whose rest keeps a batch's lines in the order they were sent. Lists and tails sort by
that position (`received_at#log_id`), not by the line's own `timestamp` (the client's, which may
be late): a line sent late, with an old timestamp, still lands after every position a tailing
client has passed, so it is not lost. Time ranges (`from`/`to`) filter on the line's own
timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domains.shared.clock import isoformat
from domains.shared.errors import ValidationFailed

SEVERITIES = ("debug", "info", "warning", "error", "critical")  # in rising order
MAX_BATCH = 500
MAX_MESSAGE = 8_000
MAX_COMPONENT = 64
MAX_FIELDS = 32
MAX_FIELDS_BYTES = 4_000
FUTURE_SKEW = timedelta(minutes=5)
RETENTION = timedelta(days=30)


def invalid(loc: list[Any], msg: str) -> ValidationFailed:
    return ValidationFailed(msg, errors=[{"loc": loc, "msg": msg}])


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def at_or_above(severity: str) -> tuple[str, ...]:
    """The severities at or above `severity`."""
    return SEVERITIES[severity_rank(severity) :]


@dataclass(frozen=True)
class LogLine:
    """One line as posted (before it has a position)."""

    component: str
    severity: str
    message: str
    timestamp: datetime | None = None
    run_id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LogEntry:
    org_id: str
    experiment_id: str
    log_id: str
    received_at: datetime  # the write's time: the position's first half
    timestamp: datetime  # the line's own time (the client's, or the write's)
    component: str
    severity: str
    message: str
    run_id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def expires_at(self) -> datetime:
        return self.received_at + RETENTION


def check_line(line: LogLine, i: int, now: datetime) -> LogLine:
    """The line, with its timestamp defaulted to `now`; ValidationFailed naming entries[i]."""
    loc: list[Any] = ["entries", i]
    if not line.component or len(line.component) > MAX_COMPONENT or "#" in line.component:
        raise invalid([*loc, "component"], f"1 to {MAX_COMPONENT} characters, no '#'")
    if line.severity not in SEVERITIES:
        raise invalid([*loc, "severity"], f"one of {', '.join(SEVERITIES)}")
    if not line.message or len(line.message) > MAX_MESSAGE:
        raise invalid([*loc, "message"], f"1 to {MAX_MESSAGE} characters")
    if len(line.fields) > MAX_FIELDS or len(repr(line.fields)) > MAX_FIELDS_BYTES:
        raise invalid([*loc, "fields"], f"at most {MAX_FIELDS} fields, {MAX_FIELDS_BYTES} bytes")
    stamp = line.timestamp or now
    if stamp.tzinfo is None:
        raise invalid([*loc, "timestamp"], "needs a time zone")
    if stamp > now + FUTURE_SKEW:
        raise invalid([*loc, "timestamp"], "in the future")
    return LogLine(
        line.component, line.severity, line.message, stamp, line.run_id, dict(line.fields)
    )


def position(entry: LogEntry) -> str:
    """Where a line sorts: `<received_at>#<log_id>` (the table's sort key)."""
    return f"{isoformat(entry.received_at)}#{entry.log_id}"


def bound_at(moment: datetime) -> str:
    """A cursor after every position up to `moment` and before every later one."""
    return f"{isoformat(moment)}#~"
