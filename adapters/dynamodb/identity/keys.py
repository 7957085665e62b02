"""The one key builder of each identity table (partition and sort keys, index keys)."""

from __future__ import annotations


def user_key(user_id: str) -> dict[str, str]:
    return {"pk": f"USER#{user_id}", "sk": "PROFILE"}


def email_key(email: str) -> dict[str, str]:
    return {"pk": f"EMAIL#{email}", "sk": "UNIQUE"}


def org_key(org_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": "PROFILE"}


def membership_key(org_id: str, user_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": f"MEMBER#{user_id}"}


def membership_index_keys(org_id: str, user_id: str, role: str) -> dict[str, str]:
    return {
        "gsi1pk": f"USER#{user_id}",
        "gsi1sk": f"ORG#{org_id}",
        "gsi2pk": f"ORG#{org_id}#ROLE#{role}",
        "gsi2sk": f"USER#{user_id}",
    }


def session_key(session_id: str) -> dict[str, str]:
    return {"pk": f"SESSION#{session_id}", "sk": "SESSION"}


def throttle_key(scope_digest: str, window_start: int) -> dict[str, str]:
    return {"pk": f"THROTTLE#{scope_digest}", "sk": f"WINDOW#{window_start}"}
