"""The one key builder of each projects table (partition and sort keys, index keys)."""

from __future__ import annotations

from datetime import datetime

from domains.shared.clock import isoformat

_TAGS = {"workspace": "WS", "project": "PROJECT"}


def _stamp(at: datetime, resource_id: str) -> str:
    """Time first (newest-first is a reverse query), then the id to keep stamps distinct."""
    return f"{isoformat(at)}#{resource_id}"


def workspace_key(org_id: str, workspace_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": f"WS#{workspace_id}"}


def workspace_activity_keys(
    org_id: str, status: str, last_activity_at: datetime, workspace_id: str
) -> dict[str, str]:
    """gsi1 of `workspaces`: an organisation's workspaces of a status by recent activity."""
    return {
        "gsi1pk": f"ORG#{org_id}#STATUS#{status}",
        "gsi1sk": _stamp(last_activity_at, workspace_id),
    }


def org_stats_key(org_id: str) -> dict[str, str]:
    """The organisation's workspace and project counts (ADD only), beside its workspaces."""
    return {"pk": f"ORG#{org_id}", "sk": "STATS"}


def project_key(org_id: str, project_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": f"PROJECT#{project_id}"}


def workspace_projects_partition(org_id: str, workspace_id: str) -> str:
    return f"ORG#{org_id}#WS#{workspace_id}"


def project_index_keys(
    org_id: str, workspace_id: str, status: str, updated_at: datetime, project_id: str
) -> dict[str, str]:
    """gsi1: a workspace's projects by last update; gsi2: the same with one status."""
    partition = workspace_projects_partition(org_id, workspace_id)
    stamp = _stamp(updated_at, project_id)
    return {
        "gsi1pk": partition,
        "gsi1sk": stamp,
        "gsi2pk": f"{partition}#STATUS#{status}",
        "gsi2sk": stamp,
    }


def member_partition(org_id: str, scope: str, resource_id: str) -> str:
    return f"ORG#{org_id}#{_TAGS[scope]}#{resource_id}"


def member_key(org_id: str, scope: str, resource_id: str, user_id: str) -> dict[str, str]:
    return {"pk": member_partition(org_id, scope, resource_id), "sk": f"MEMBER#{user_id}"}


def user_partition(org_id: str, user_id: str) -> str:
    return f"ORG#{org_id}#USER#{user_id}"


def pinned_partition(org_id: str, user_id: str) -> str:
    return f"{user_partition(org_id, user_id)}#PINNED"


def member_activity_keys(
    org_id: str, user_id: str, last_activity_at: datetime, resource_id: str
) -> dict[str, str]:
    """gsi1: a user's memberships by their recent activity."""
    return {
        "gsi1pk": user_partition(org_id, user_id),
        "gsi1sk": _stamp(last_activity_at, resource_id),
    }


def member_pin_keys(
    org_id: str, user_id: str, pinned_at: datetime | None, resource_id: str
) -> dict[str, str | None]:
    """gsi2 (sparse): only pinned memberships carry these keys; None removes them."""
    if pinned_at is None:
        return {"gsi2pk": None, "gsi2sk": None}
    return {"gsi2pk": pinned_partition(org_id, user_id), "gsi2sk": _stamp(pinned_at, resource_id)}


def user_stats_key(org_id: str, user_id: str) -> dict[str, str]:
    """A user's membership count of one scope, beside the memberships (ADD only)."""
    return {"pk": user_partition(org_id, user_id), "sk": "STATS"}
