"""The one key builder of the audit items in `system-logs`: the writer (the unit of work's
`audit_item`) and the reader (the audit log) both build their keys here."""

from __future__ import annotations

from datetime import datetime

from domains.shared.clock import isoformat

AUDIT_TABLE = "system-logs"
# Above every character of an ULID, so `<ms>#~` sorts after every entry of that millisecond.
_AFTER_EVERY_ID = "~"


def _scope(org_id: str | None) -> str:
    """An organisation's entries live under its id; platform-level ones under PLATFORM."""
    return f"ORG#{org_id}" if org_id else "PLATFORM"


def audit_partition(org_id: str | None) -> str:
    return f"{_scope(org_id)}#AUDIT"


def actor_partition(org_id: str | None, actor_id: str) -> str:
    return f"{_scope(org_id)}#ACTOR#{actor_id}"


def action_partition(org_id: str | None, action: str) -> str:
    return f"{_scope(org_id)}#ACTION#{action}"


def audit_stamp(at: datetime, entry_id: str) -> str:
    """The sort key of the table and of both indexes: time first, so newest-first is a
    reverse query, then the id so entries of one millisecond stay distinct."""
    return f"{isoformat(at)}#{entry_id}"


def stamp_from(moment: datetime) -> str:
    """The lowest stamp at `moment` (to the millisecond): a range's inclusive lower bound."""
    return isoformat(moment)


def stamp_until(moment: datetime) -> str:
    """Above every stamp at `moment` (to the millisecond): a range's inclusive upper bound."""
    return f"{isoformat(moment)}#{_AFTER_EVERY_ID}"
