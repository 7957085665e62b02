"""The templates marketplace in the admin (feature `agent_builder`): templates (their
listing: name, description, category, tags, visibility; counters shown, never edited).
Everything goes through the staff service over the template service; items are keyed
`<org id>:<template id>`. Registered from `domains.agents.admin`."""

from __future__ import annotations

from typing import Any

from domains.agents.admin_agents import CONTEXT, FEATURE, pair, searched, tags_of, who
from domains.agents.templates.model import CATEGORIES, VISIBILITIES
from domains.agents.templates.staff import StaffTemplateService
from domains.shared.admin import (
    ORG_FILTER,
    AdminCall,
    EntityAdmin,
    FormField,
    ListFilter,
    ListQuery,
    register,
)
from domains.shared.pagination import Page
from domains.shared.web import service


def _staff() -> StaffTemplateService:
    return service("templates").staff()  # type: ignore[no-any-return]


def _get(call: AdminCall, key: str) -> Any:
    return _staff().get_template(principal=call.principal, **pair(key, "template_id"))


def _list(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_get(call, searched(q))])
    return _staff().list_templates(
        principal=call.principal,
        page=q.page,
        org_id=q.filter(ORG_FILTER),
        author=q.filter("author"),
    )


TEMPLATES = EntityAdmin(
    context=CONTEXT,
    name="templates",
    label="Templates",
    columns=(
        "name",
        "category",
        "visibility",
        "usage_count",
        "rating_count",
        "popularity",
        "latest_version",
        "org_id",
        "updated_at",
        "id",
    ),
    list=_list,
    get=_get,
    key=lambda t: f"{t.org_id}:{t.id}",
    fields=(
        FormField("name"),
        FormField("description", "textarea", required=False),
        FormField("category", "choice", choices=CATEGORIES),
        FormField("visibility", "choice", choices=VISIBILITIES),
        FormField("tags", required=False, help="comma-separated: a-z 0-9 _ . : -"),
    ),
    save=lambda call, key, values, version: _staff().update_template(
        **who(call),
        **pair(key or "", "template_id"),
        expected_version=version,
        name=values["name"],
        description=values.get("description") or "",
        category=values["category"],
        tags=tags_of(values.get("tags") or ""),
        visibility=values["visibility"],
    ),
    delete=lambda call, key, version: _staff().delete_template(
        **who(call), **pair(key, "template_id"), expected_version=version
    ),
    initial=lambda t: {
        "name": t.name,
        "description": t.description,
        "category": t.category,
        "visibility": t.visibility,
        "tags": ", ".join(sorted(t.tags)),
    },
    add=False,
    filters=(ListFilter("author", "Author (user id)"),),
    search_help="a template id, with an organisation chosen (or <organisation id>:<id>)",
    tenant_owned=True,
    feature=FEATURE,
    delete_note="Its content versions, ratings and use records are deleted with it.",
)

register(TEMPLATES)
