"""The analytics router: GET /activity, the organisation's activity feed. Thin: parse, call
the selector, shape each entry with links to its actor and resource. The organisation is the
X-Organization-Id header (or the API key's)."""

from __future__ import annotations

from string import Formatter
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from domains.analytics import schemas as s
from domains.analytics.model import ActivityEntry, feed_filter
from domains.shared.api import PageOut, PageParams, page_out, tenant_header
from domains.shared.web import feature_tenant, service

FEATURE = "analytics"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["analytics"])
HEADER = tenant_header()
API_KEY_ACTOR = "apikey:"

# Where the API reads each kind of resource ({id}, or the project / workspace it is in).
RESOURCE_PATHS = {
    "project": "/api/projects/{id}",
    "workspace": "/api/workspaces/{id}",
    "project_member": "/api/projects/{project_id}/members",
    "workspace_member": "/api/workspaces/{workspace_id}/members",
}


def _actor(entry: ActivityEntry) -> dict[str, Any]:
    org = f"/api/organizations/{entry.org_id}"
    if entry.actor_id.startswith(API_KEY_ACTOR):
        key_id = entry.actor_id.removeprefix(API_KEY_ACTOR)
        return {"id": key_id, "kind": "api_key", "path": f"{org}/api-keys/{key_id}"}
    return {"id": entry.actor_id, "kind": "user", "path": f"{org}/members/{entry.actor_id}"}


def _resource_path(entry: ActivityEntry) -> str | None:
    """The resource's path, unless it is of a kind the API has none for (or it would need a
    project or workspace the entry does not name)."""
    template = RESOURCE_PATHS.get(entry.resource_type)
    ids = {
        "id": entry.resource_id,
        "project_id": entry.project_id,
        "workspace_id": entry.workspace_id,
    }
    needed = [name for _, name, _, _ in Formatter().parse(template or "") if name]
    if template is None or any(ids[name] is None for name in needed):
        return None
    return template.format(**ids)


def _link(kind: str, value: str | None) -> dict[str, Any] | None:
    return None if value is None else {"id": value, "path": RESOURCE_PATHS[kind].format(id=value)}


def _entry(entry: ActivityEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "type": entry.type,
        "verb": entry.verb,
        "summary": entry.summary,
        "at": entry.at,
        "actor": _actor(entry),
        "resource": {
            "type": entry.resource_type,
            "id": entry.resource_id,
            "path": _resource_path(entry),
        },
        "project": _link("project", entry.project_id),
        "workspace": _link("workspace", entry.workspace_id),
    }


@router.get("/activity", response=PageOut[s.ActivityOut], openapi_extra=HEADER)
def activity_list(
    request: HttpRequest, params: Query[PageParams], filters: Query[s.ActivityParams]
) -> Any:
    """The organisation's activity, newest first: all of it, or one user's (`user`), one
    project's (`project`: the project and the resources in it) or one resource's
    (`resource_type` + `resource_id`; add `project` for a resource inside a project)."""
    ctx = ctx_of(request)
    wanted = feed_filter(**filters.dict())
    page = service("analytics").activity().feed(ctx=ctx, filter=wanted, page=params.request())
    return page_out(page, _entry)
