"""The one key builder of each identity table (partition and sort keys, index keys)."""

from __future__ import annotations


def user_key(user_id: str) -> dict[str, str]:
    return {"pk": f"USER#{user_id}", "sk": "PROFILE"}


def email_key(email: str) -> dict[str, str]:
    """The claim making an address unique: lower-cased, so unique whatever its case."""
    return {"pk": f"EMAIL#{email.lower()}", "sk": "UNIQUE"}


def org_key(org_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": "PROFILE"}


def api_key_key(org_id: str, key_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": f"APIKEY#{key_id}"}


def membership_key(org_id: str, user_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": f"MEMBER#{user_id}"}


def membership_index_keys(org_id: str, user_id: str, role: str) -> dict[str, str]:
    return {
        "gsi1pk": f"USER#{user_id}",
        "gsi1sk": f"ORG#{org_id}",
        "gsi2pk": f"ORG#{org_id}#ROLE#{role}",
        "gsi2sk": f"USER#{user_id}",
    }


def invitation_key(org_id: str, invitation_id: str) -> dict[str, str]:
    """With an empty id: the sort-key prefix every invitation of the organisation shares."""
    return {"pk": f"ORG#{org_id}", "sk": f"INVITE#{invitation_id}"}


def invitation_token_keys(token_hash: str) -> dict[str, str]:
    return {"gsi1pk": f"INVITE#{token_hash}", "gsi1sk": "INVITE"}


def invitee_partition(email: str) -> str:
    return f"INVITEE#{email}"


def invitee_keys(email: str, expires_iso: str, invitation_id: str) -> dict[str, str]:
    """Index keys of a pending invitation by its addressee, sorted by expiry."""
    return {"gsi2pk": invitee_partition(email), "gsi2sk": f"{expires_iso}#{invitation_id}"}


def session_key(session_id: str) -> dict[str, str]:
    return {"pk": f"SESSION#{session_id}", "sk": "SESSION"}


def throttle_key(scope_digest: str, window_start: int) -> dict[str, str]:
    return {"pk": f"THROTTLE#{scope_digest}", "sk": f"WINDOW#{window_start}"}


def content_key(org_id: str, content_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": f"CONTENT#{content_id}"}


def content_owner_keys(org_id: str, owner_id: str, created: str, content_id: str) -> dict[str, str]:
    """gsi1 of `user-content-metadata`: one owner's uploads, `created` an ISO timestamp."""
    return {"gsi1pk": f"ORG#{org_id}#OWNER#{owner_id}", "gsi1sk": f"{created}#{content_id}"}


def setting_key(key: str, org_id: str | None = None) -> dict[str, str]:
    """A global setting (`org_id` None) or an organisation's override: one partition a key."""
    return {"pk": f"SETTING#{key}", "sk": f"ORG#{org_id}" if org_id else "GLOBAL"}


def setting_scope_partition(org_id: str | None = None) -> str:
    return f"SCOPE#ORG#{org_id}" if org_id else "SCOPE#GLOBAL"


def setting_scope_keys(key: str, org_id: str | None = None) -> dict[str, str]:
    """gsi1 of `application-settings`: the global settings, or one organisation's overrides."""
    return {"gsi1pk": setting_scope_partition(org_id), "gsi1sk": key}


def web_sessions_partition(user_id: str) -> str:
    """gsi1 of `user-sessions`: a user's browser sessions, apart from their API sessions."""
    return f"USER#{user_id}#WEB"


def web_session_key(session_key: str) -> dict[str, str]:
    """A Django (admin) session in `user-sessions`, beside the refresh-token sessions."""
    return {"pk": f"DJSESSION#{session_key}", "sk": "SESSION"}
