"""Usage tracking: counted events (a template used, an agent run, a prompt rendered, a lesson
viewed) per organisation, counter and UTC day, recorded through the `UsageRecorder` port.

Counter names are lowercase dotted words (`template.used`, `agent.run`): a subject, then what
happened to it. Counts only grow; a recorder may buffer them, so a count read back can lag
by one flush interval, never lose or double an event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from domains.shared.errors import ValidationFailed

MAX_COUNTER_LENGTH = 64
MAX_AMOUNT = 1_000_000
_COUNTER = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")
_ORG_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field} {message}", errors=[{"loc": [field], "msg": message}])


def check_counter(name: str) -> str:
    """A usable counter name: at least two lowercase dotted words (`template.used`)."""
    if len(name) > MAX_COUNTER_LENGTH or not _COUNTER.fullmatch(name):
        raise _invalid(
            "counter",
            f"must be lowercase dotted words such as template.used "
            f"(at most {MAX_COUNTER_LENGTH} characters)",
        )
    return name


def check_amount(amount: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT:
        raise _invalid("amount", f"must be a whole number from 1 to {MAX_AMOUNT}")
    return amount


def usage_day(at: datetime) -> str:
    """The UTC day an event counts in, `yyyy-mm-dd` (a naive time is taken as UTC)."""
    moment = at if at.tzinfo else at.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class UsageKey:
    """One counter: an organisation's count of one kind of event on one UTC day."""

    org_id: str
    counter: str
    day: str

    @classmethod
    def of(cls, *, org_id: str, counter: str, at: datetime) -> UsageKey:
        if not _ORG_ID.fullmatch(org_id):
            raise _invalid("org_id", "must be an organisation id")
        return cls(org_id, check_counter(counter), usage_day(at))


class UsageRecorder(Protocol):
    """Counts `amount` events of `counter` for an organisation, at `at` (default: now).

    Raises ValidationFailed for a malformed counter name, organisation id or amount.
    """

    def record(
        self, *, org_id: str, counter: str, amount: int = 1, at: datetime | None = None
    ) -> None: ...


class UsageCounts(Protocol):
    """Where counts end up for good (one item per counter, grown by atomic adds)."""

    def add(self, key: UsageKey, amount: int) -> None:
        """Adds at once: the synchronous path, taken when there is no buffer."""
        ...

    def add_once(self, key: UsageKey, amount: int, flush_id: int) -> bool:
        """Adds as part of flush `flush_id` unless that flush or a later one already did;
        True when this call added. Flush ids only grow."""
        ...


class DiscardingUsageRecorder:
    """The recorder when usage tracking is off: checks its input and keeps nothing."""

    def record(
        self, *, org_id: str, counter: str, amount: int = 1, at: datetime | None = None
    ) -> None:
        UsageKey.of(org_id=org_id, counter=counter, at=at or datetime.now(UTC))
        check_amount(amount)
