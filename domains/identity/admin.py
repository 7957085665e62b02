"""The identity context in the admin: users and sessions (`admin_people`), organisations,
members, API keys, settings, the audit log and content records. Everything goes through the
staff services."""

from __future__ import annotations

from typing import Any

from domains.identity.admin_people import CONTEXT, SESSIONS, USERS, who
from domains.identity.model import SETTING_TYPES, Setting
from domains.identity.services.settings import SettingsService
from domains.identity.services.staff_tenants import StaffTenantService
from domains.shared.admin import (
    ORG_FILTER,
    AdminAction,
    AdminCall,
    EntityAdmin,
    FormField,
    ListFilter,
    ListQuery,
    register,
    split_key,
)
from domains.shared.pagination import Page
from domains.shared.permissions import ORG_ROLES
from domains.shared.web import service


def _tenants() -> StaffTenantService:
    return service("identity").staff_tenants()  # type: ignore[no-any-return]


def _settings() -> SettingsService:
    return service("identity").settings()  # type: ignore[no-any-return]


def _composite(entity: Any) -> str:
    return f"{entity.org_id}:{entity.id}"


# -- organisations and members -----------------------------------------------------------------


def _list_orgs(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_tenants().get_organization(principal=call.principal, org_id=q.search)])
    return _tenants().list_organizations(principal=call.principal, page=q.page)


def _save_org(call: AdminCall, key: str | None, values: dict[str, Any], version: int) -> Any:
    text = {"name": values["name"], "description": values.get("description") or ""}
    if key is None:
        return _tenants().create_organization(**who(call), owner_id=values["owner_id"], **text)
    return _tenants().update_organization(**who(call), org_id=key, expected_version=version, **text)


ORGANIZATIONS = EntityAdmin(
    context=CONTEXT,
    name="organizations",
    label="Organisations",
    columns=("name", "member_count", "created_by", "created_at", "id"),
    list=_list_orgs,
    get=lambda call, key: _tenants().get_organization(principal=call.principal, org_id=key),
    fields=(
        FormField("name"),
        FormField("description", "textarea", required=False),
        FormField("owner_id", label="Owner (user id)", create_only=True),
    ),
    save=_save_org,
    initial=lambda org: {
        "name": org.name,
        "description": org.description,
        "owner_id": org.created_by,
    },
    search_help="an organisation id (exact)",
)


def _member(key: str) -> dict[str, Any]:
    org_id, user_id = split_key(key, 2)
    return {"org_id": org_id, "user_id": user_id}


def _list_members(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search and q.filter(ORG_FILTER):
        found = _tenants().get_member(
            principal=call.principal, org_id=q.filters[ORG_FILTER], user_id=q.search
        )
        return Page([found])
    return _tenants().list_members(principal=call.principal, page=q.page, org_id=q.filter("org"))


def _save_member(call: AdminCall, key: str | None, values: dict[str, Any], version: int) -> Any:
    if key is None:
        return _tenants().add_member(
            **who(call), org_id=values["org_id"], user_id=values["user_id"], role=values["role"]
        )
    return _tenants().change_role(
        **who(call), **_member(key), role=values["role"], expected_version=version
    )


MEMBERS = EntityAdmin(
    context=CONTEXT,
    name="members",
    label="Members",
    columns=("org_id", "user_id", "role", "joined_at"),
    list=_list_members,
    get=lambda call, key: _tenants().get_member(principal=call.principal, **_member(key)),
    key=lambda m: f"{m.org_id}:{m.user_id}",
    fields=(
        FormField("org_id", label="Organisation id", create_only=True),
        FormField("user_id", label="User id", create_only=True),
        FormField("role", "choice", choices=tuple(ORG_ROLES)),
    ),
    save=_save_member,
    delete=lambda call, key, version: _tenants().remove_member(
        **who(call), **_member(key), expected_version=version
    ),
    tenant_owned=True,
    search_help="a user id, with an organisation chosen",
)

# -- API keys ----------------------------------------------------------------------------------


def _api_key(key: str) -> dict[str, str]:
    org_id, key_id = split_key(key, 2)
    return {"org_id": org_id, "key_id": key_id}


def _revoke_keys(call: AdminCall, keys: list[str]) -> str:
    pairs = [(k["org_id"], k["key_id"]) for k in map(_api_key, keys)]
    return f"{_tenants().revoke_api_keys(**who(call), keys=pairs)} API key(s) revoked."


API_KEYS = EntityAdmin(
    context=CONTEXT,
    name="api-keys",
    label="API keys",
    columns=("name", "org_id", "created_by", "created_at", "expires_at", "revoked_at"),
    list=lambda call, q: _tenants().list_api_keys(
        principal=call.principal, page=q.page, org_id=q.filter(ORG_FILTER)
    ),
    get=lambda call, key: _tenants().get_api_key(principal=call.principal, **_api_key(key)),
    key=_composite,
    tenant_owned=True,
    actions=(AdminAction("revoke", "Revoke", _revoke_keys),),
)

# -- settings, audit log, content --------------------------------------------------------------


def _list_settings(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_settings().get_global(principal=call.principal, key=q.search.strip())])
    return _settings().list_global(principal=call.principal, page=q.page)


def _save_setting(call: AdminCall, key: str | None, values: dict[str, Any], version: int) -> Any:
    return _settings().put_global(
        **who(call),
        key=key or values["key"],
        kind=values["type"],
        value=values["value"],
        description=values.get("description") or "",
        expected_version=version,
    )


def _setting_values(setting: Setting) -> dict[str, Any]:
    return {
        "key": setting.key,
        "type": setting.type,
        "value": setting.value,
        "description": setting.description,
    }


SETTINGS = EntityAdmin(
    context=CONTEXT,
    name="settings",
    label="Application settings",
    columns=("key", "type", "value", "description", "updated_at", "updated_by"),
    list=_list_settings,
    get=lambda call, key: _settings().get_global(principal=call.principal, key=key),
    key=lambda s: s.key,
    fields=(
        FormField("key", create_only=True, help="lower-case words joined by . or -"),
        FormField("type", "choice", choices=SETTING_TYPES, create_only=True),
        FormField("value", "json", help='JSON: true, 42, 1.5, "text", {"a": 1}'),
        FormField("description", "textarea", required=False),
    ),
    save=_save_setting,
    delete=lambda call, key, version: _settings().delete_global(
        **who(call), key=key, expected_version=version
    ),
    initial=_setting_values,
    search_help="a setting key (exact)",
)

AUDIT_LOG = EntityAdmin(
    context=CONTEXT,
    name="audit-log",
    label="Audit log",
    columns=("at", "action", "actor_id", "resource_type", "resource_id", "org_id"),
    list=lambda call, q: _tenants().audit_log(
        principal=call.principal,
        page=q.page,
        org_id=q.filter(ORG_FILTER),
        actor_id=q.filter("actor"),
        action=q.filter("action"),
    ),
    get=None,
    tenant_owned=True,
    filters=(ListFilter("actor", "Actor id"), ListFilter("action", "Action")),
)


def _content(key: str) -> dict[str, str]:
    org_id, content_id = split_key(key, 2)
    return {"org_id": org_id, "content_id": content_id}


CONTENT = EntityAdmin(
    context=CONTEXT,
    name="content",
    label="Content metadata",
    columns=("filename", "content_type", "size", "status", "org_id", "owner_id", "created_at"),
    list=lambda call, q: _tenants().list_content(
        principal=call.principal, page=q.page, org_id=q.filter(ORG_FILTER)
    ),
    get=lambda call, key: _tenants().get_content(principal=call.principal, **_content(key)),
    key=_composite,
    tenant_owned=True,
)

register(USERS, ORGANIZATIONS, MEMBERS, SESSIONS, API_KEYS, SETTINGS, AUDIT_LOG, CONTENT)
