"""The one key builder of `aggregated-analytics`: usage counters (and, as they come, the
roll-ups and the cost report) build their keys here."""

from __future__ import annotations

from domains.shared.usage import UsageKey

AGGREGATES_TABLE = "aggregated-analytics"


def usage_partition(org_id: str, counter: str) -> str:
    """One partition per organisation and counter; its items are the days."""
    return f"ORG#{org_id}#USAGE#{counter}"


def usage_key(key: UsageKey) -> dict[str, str]:
    return {"pk": usage_partition(key.org_id, key.counter), "sk": key.day}
