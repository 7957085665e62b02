"""The people of the identity context in the admin: users (add, change, delete, actions)
and their API sessions. Everything goes through the staff service."""

from __future__ import annotations

from typing import Any

from domains.identity.services.staff import StaffService
from domains.shared.admin import (
    AdminAction,
    AdminCall,
    EntityAdmin,
    FormField,
    ListFilter,
    ListQuery,
)
from domains.shared.pagination import Page
from domains.shared.web import service

CONTEXT = "identity"


def _staff() -> StaffService:
    return service("identity").staff()  # type: ignore[no-any-return]


def who(call: AdminCall) -> dict[str, Any]:
    """The acting staff principal and request id, as the services take them."""
    return {"principal": call.principal, "request_id": call.request_id}


# -- users -------------------------------------------------------------------------------------


def _list_users(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page(_staff().find_users(principal=call.principal, text=q.search))
    active = {"yes": True, "no": False}.get(q.filter("active") or "")
    return _staff().list_users(
        principal=call.principal, page=q.page, staff_only=q.filter("staff") == "yes", active=active
    )


def _save_user(call: AdminCall, key: str | None, values: dict[str, Any], version: int) -> Any:
    if key is None:
        return _staff().create_user(
            **who(call),
            email=values["email"],
            display_name=values["display_name"] or "",
            password=values["password"],
            is_staff=values["is_staff"],
        )
    return _staff().update_user(
        **who(call),
        user_id=key or "",
        expected_version=version,
        display_name=values["display_name"],
        is_active=values["is_active"],
        is_staff=values["is_staff"],
    )


def _delete_user(call: AdminCall, key: str, version: int) -> None:
    _staff().delete_user(**who(call), user_id=key, expected_version=version)


def _flags(done: str, **flags: bool) -> AdminAction:
    def run(call: AdminCall, keys: list[str]) -> str:
        changed = _staff().set_flags(
            principal=call.principal,
            request_id=call.request_id,
            user_ids=keys,
            is_active=flags.get("is_active"),
            is_staff=flags.get("is_staff"),
        )
        return f"{changed} user(s) {done}."

    return AdminAction(done.replace(" ", "_"), done.capitalize(), run)


def _reset_sessions(call: AdminCall, keys: list[str]) -> str:
    revoked = _staff().reset_sessions(**who(call), user_ids=keys)
    return f"{revoked} session(s) revoked."


USERS = EntityAdmin(
    context=CONTEXT,
    name="users",
    label="Users",
    columns=("email", "display_name", "is_staff", "is_active", "created_at", "id"),
    list=_list_users,
    get=lambda call, key: _staff().get_user(principal=call.principal, user_id=key),
    fields=(
        FormField("email", label="E-mail", create_only=True),
        FormField("display_name", label="Display name", required=False),
        FormField("password", "password", only="add", help="at least 10 characters"),
        FormField("is_active", "bool", label="Active", required=False, only="change"),
        FormField("is_staff", "bool", label="Staff", required=False),
    ),
    save=_save_user,
    delete=_delete_user,
    delete_note=(
        "Deleting a user removes their memberships, revokes their sessions (API and admin) "
        "and the API keys they created, and frees their e-mail address. It is refused while "
        "they are the sole owner of an organisation."
    ),
    filters=(
        ListFilter("staff", "Staff", (("yes", "Staff only"),)),
        ListFilter("active", "Active", (("yes", "Active"), ("no", "Inactive"))),
    ),
    search_help="a user id or an e-mail address (exact)",
    actions=(
        _flags("activated", is_active=True),
        _flags("deactivated", is_active=False),
        _flags("made staff", is_staff=True),
        AdminAction("reset_sessions", "Reset sessions", _reset_sessions),
    ),
)

# -- sessions ------------------------------------------------------------------------------------


def _list_sessions(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_staff().get_session(principal=call.principal, session_id=q.search)])
    return _staff().list_sessions(principal=call.principal, page=q.page, user_id=q.filter("user"))


def _revoke_sessions(call: AdminCall, keys: list[str]) -> str:
    return f"{_staff().revoke_sessions(**who(call), session_ids=keys)} session(s) revoked."


SESSIONS = EntityAdmin(
    context=CONTEXT,
    name="sessions",
    label="Sessions",
    columns=("user_id", "created_at", "expires_at", "revoked_at", "user_agent", "ip", "id"),
    list=_list_sessions,
    get=lambda call, key: _staff().get_session(principal=call.principal, session_id=key),
    filters=(ListFilter("user", "User id"),),
    search_help="a session id (exact)",
    actions=(AdminAction("revoke", "Revoke", _revoke_sessions),),
)
