"""The one key builder of `activity-feed`: the organisation's partition and two indexes.

Every sort key is the event id (a ULID: sorted by time, unique), so each list is a reverse
Query of one partition, and a cursor is the last id returned.
"""

from __future__ import annotations


def feed_partition(org_id: str) -> str:
    return f"ORG#{org_id}#FEED"


def actor_partition(org_id: str, actor_id: str) -> str:
    """gsi1: what one user (or `apikey:<id>`) did."""
    return f"ORG#{org_id}#USER#{actor_id}"


def subject_partition(org_id: str, subject: tuple[str, str]) -> str:
    """gsi2: a subject's feed, `RES#project#<id>` for a project and the resources in it."""
    resource_type, resource_id = subject
    return f"ORG#{org_id}#RES#{resource_type}#{resource_id}"


def entry_keys(
    org_id: str, entry_id: str, actor_id: str, subject: tuple[str, str]
) -> dict[str, str]:
    return {
        "pk": feed_partition(org_id),
        "sk": entry_id,
        "gsi1pk": actor_partition(org_id, actor_id),
        "gsi1sk": entry_id,
        "gsi2pk": subject_partition(org_id, subject),
        "gsi2sk": entry_id,
    }
