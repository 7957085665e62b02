"""The projects context in the admin (feature `project_management`): workspaces, projects,
and their memberships. Everything goes through the staff services, which change items
through the API's own services; items are keyed `<org id>:<id>` (memberships
`<org id>:<workspace or project id>:<user id>`)."""

from __future__ import annotations

from typing import Any

from domains.projects.model import PROJECT_STATUSES, RESOURCE_ROLES, WORKSPACE_STATUSES
from domains.projects.services.staff import StaffProjectService, invalid
from domains.projects.services.staff_members import StaffMemberService
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
from domains.shared.web import service

CONTEXT = "projects"
FEATURE = "project_management"


def _staff() -> StaffProjectService:
    return service("projects").staff()  # type: ignore[no-any-return]


def _staff_members(scope: str) -> StaffMemberService:
    return getattr(service("projects"), f"staff_{scope}_members")()  # type: ignore[no-any-return]


def _who(call: AdminCall) -> dict[str, Any]:
    return {"principal": call.principal, "request_id": call.request_id}


def _composite(entity: Any) -> str:
    return f"{entity.org_id}:{entity.id}"


def _pair(key: str, name: str) -> dict[str, Any]:
    org_id, item_id = split_key(key, 2)
    return {"org_id": org_id, f"{name}_id": item_id}


def _searched(q: ListQuery) -> str:
    """The key searched for: `<id>` with an organisation chosen, or `<org id>:<id>` (items
    live in their organisation's partition)."""
    org_id, _, item_id = q.search.rpartition(":")
    org_id = (org_id or q.filter(ORG_FILTER) or "").strip()
    if not org_id:
        raise invalid("q", "choose an organisation, or search <organisation id>:<id>")
    return f"{org_id}:{item_id.strip()}".upper()


def _status_actions(kind: str) -> tuple[AdminAction, ...]:
    def action(archived: bool) -> AdminAction:
        verb = "archived" if archived else "restored"

        def run(call: AdminCall, keys: list[str]) -> str:
            pairs = [(org_id, item_id) for org_id, item_id in (split_key(k, 2) for k in keys)]
            done = _staff().set_archived(**_who(call), kind=kind, keys=pairs, archived=archived)
            skipped = f" Skipped {'; '.join(done.skipped)}." if done.skipped else ""
            return f"{done.changed} {kind}(s) {verb}.{skipped}"

        return AdminAction("archive" if archived else "restore", verb[:-1].capitalize(), run)

    return action(True), action(False)


def _choices(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((v, v.capitalize()) for v in values)


# -- workspaces --------------------------------------------------------------------------------


def _get_workspace(call: AdminCall, key: str) -> Any:
    return _staff().get_workspace(principal=call.principal, **_pair(key, "workspace"))


def _list_workspaces(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_get_workspace(call, _searched(q))])
    return _staff().list_workspaces(
        principal=call.principal,
        page=q.page,
        org_id=q.filter(ORG_FILTER),
        status=q.filter("status"),
    )


WORKSPACES = EntityAdmin(
    context=CONTEXT,
    name="workspaces",
    label="Workspaces",
    columns=("name", "status", "project_count", "member_count", "org_id", "last_activity_at", "id"),
    list=_list_workspaces,
    get=_get_workspace,
    key=_composite,
    fields=(FormField("name"), FormField("description", "textarea", required=False)),
    save=lambda call, key, values, version: _staff().update_workspace(
        **_who(call),
        **_pair(key or "", "workspace"),
        expected_version=version,
        name=values["name"],
        description=values.get("description") or "",
    ),
    delete=lambda call, key, version: _staff().delete_workspace(
        **_who(call), **_pair(key, "workspace"), expected_version=version
    ),
    add=False,
    filters=(ListFilter("status", "Status", _choices(WORKSPACE_STATUSES)),),
    search_help="a workspace id, with an organisation chosen (or <organisation id>:<id>)",
    actions=_status_actions("workspace"),
    tenant_owned=True,
    feature=FEATURE,
)

# -- projects ----------------------------------------------------------------------------------


def _get_project(call: AdminCall, key: str) -> Any:
    return _staff().get_project(principal=call.principal, **_pair(key, "project"))


def _list_projects(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_get_project(call, _searched(q))])
    return _staff().list_projects(
        principal=call.principal,
        page=q.page,
        org_id=q.filter(ORG_FILTER),
        workspace_id=q.filter("workspace"),
        status=q.filter("status"),
    )


def _tags(text: str) -> list[str]:
    return [t for t in (part.strip() for part in text.split(",")) if t]


PROJECTS = EntityAdmin(
    context=CONTEXT,
    name="projects",
    label="Projects",
    columns=("name", "status", "workspace_id", "tags", "member_count", "org_id", "updated_at"),
    list=_list_projects,
    get=_get_project,
    key=_composite,
    fields=(
        FormField("name"),
        FormField("description", "textarea", required=False),
        FormField("tags", required=False, help="comma-separated: a-z 0-9 _ . : -"),
    ),
    save=lambda call, key, values, version: _staff().update_project(
        **_who(call),
        **_pair(key or "", "project"),
        expected_version=version,
        name=values["name"],
        description=values.get("description") or "",
        tags=_tags(values.get("tags") or ""),
    ),
    delete=lambda call, key, version: _staff().delete_project(
        **_who(call), **_pair(key, "project"), expected_version=version
    ),
    initial=lambda p: {
        "name": p.name,
        "description": p.description,
        "tags": ", ".join(sorted(p.tags)),
    },
    add=False,
    filters=(
        ListFilter("workspace", "Workspace id"),
        ListFilter("status", "Status", _choices(PROJECT_STATUSES)),
    ),
    search_help="a project id, with an organisation chosen (or <organisation id>:<id>)",
    actions=_status_actions("project"),
    tenant_owned=True,
    feature=FEATURE,
)

# -- memberships -------------------------------------------------------------------------------


def _members(scope: str) -> EntityAdmin:
    """The memberships of workspaces or of projects: one shape, two entities."""

    def ids(key: str) -> dict[str, Any]:
        org_id, resource_id, user_id = split_key(key, 3)
        return {"org_id": org_id, "resource_id": resource_id, "user_id": user_id}

    def listed(call: AdminCall, q: ListQuery) -> Page[Any]:
        return _staff_members(scope).list(
            principal=call.principal,
            page=q.page,
            org_id=q.filter(ORG_FILTER),
            resource_id=q.filter(scope),
            user_id=q.search.upper() or q.filter("user"),
        )

    def save(call: AdminCall, key: str | None, values: dict[str, Any], version: int) -> Any:
        if key is None:
            chosen = {k: values[k].strip().upper() for k in ("org_id", "resource_id", "user_id")}
            return _staff_members(scope).add(**_who(call), **chosen, role=values["role"])
        return _staff_members(scope).change_role(
            **_who(call), **ids(key), role=values["role"], expected_version=version
        )

    def make(role: str) -> AdminAction:
        def run(call: AdminCall, keys: list[str]) -> str:
            for key in keys:
                _staff_members(scope).change_role(
                    **_who(call), **ids(key), role=role, expected_version=None
                )
            return f"{len(keys)} {scope} member(s) made {role}."

        return AdminAction(f"make_{role}", f"Make {role}", run)

    return EntityAdmin(
        context=CONTEXT,
        name=f"{scope}-members",
        label=f"{scope.capitalize()} members",
        columns=("user_id", "role", "resource_id", "org_id", "joined_at", "last_activity_at"),
        list=listed,
        get=lambda call, key: _staff_members(scope).get(principal=call.principal, **ids(key)),
        key=lambda m: f"{m.org_id}:{m.resource_id}:{m.user_id}",
        fields=(
            FormField("org_id", label="Organisation id", create_only=True),
            FormField("resource_id", label=f"{scope.capitalize()} id", create_only=True),
            FormField("user_id", label="User id", create_only=True),
            FormField("role", "choice", choices=RESOURCE_ROLES),
        ),
        save=save,
        delete=lambda call, key, version: _staff_members(scope).remove(
            **_who(call), **ids(key), expected_version=version
        ),
        filters=(ListFilter(scope, f"{scope.capitalize()} id"), ListFilter("user", "User id")),
        search_help=f"a user id, with an organisation chosen (and a {scope} id)",
        actions=tuple(make(role) for role in reversed(RESOURCE_ROLES)),
        tenant_owned=True,
        feature=FEATURE,
    )


WORKSPACE_MEMBERS = _members("workspace")
PROJECT_MEMBERS = _members("project")

register(WORKSPACES, PROJECTS, WORKSPACE_MEMBERS, PROJECT_MEMBERS)
