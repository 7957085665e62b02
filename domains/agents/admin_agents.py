"""The agent builder in the admin (feature `agent_builder`): agents, their flows' summaries
(read only), their published versions (read only: versions never change) and the
organisations' custom node types (read only). Everything goes through the staff service,
which changes agents through the API's own services; items are keyed `<org id>:<agent id>`
(versions `<org id>:<agent id>:<number>`, node types `<org id>:<type>`)."""

from __future__ import annotations

from typing import Any

from domains.agents.model import AGENT_STATUSES, invalid
from domains.agents.services.staff import StaffAgentService
from domains.shared.admin import (
    ORG_FILTER,
    AdminAction,
    AdminCall,
    EntityAdmin,
    FormField,
    Link,
    ListFilter,
    ListQuery,
    register,
    split_key,
)
from domains.shared.errors import NotFound
from domains.shared.pagination import Page
from domains.shared.web import service

CONTEXT = "agents"
FEATURE = "agent_builder"


def _staff() -> StaffAgentService:
    return service("agents").staff()  # type: ignore[no-any-return]


def who(call: AdminCall) -> dict[str, Any]:
    return {"principal": call.principal, "request_id": call.request_id}


def pair(key: str, name: str) -> dict[str, Any]:
    org_id, item_id = split_key(key, 2)
    return {"org_id": org_id, name: item_id}


def searched(q: ListQuery) -> str:
    """The key searched for: `<id>` with an organisation chosen, or `<org id>:<id>` (items
    live in their organisation's partition)."""
    org_id, _, item_id = q.search.rpartition(":")
    org_id = (org_id or q.filter(ORG_FILTER) or "").strip()
    if not org_id:
        raise invalid("q", "choose an organisation, or search <organisation id>:<id>")
    return f"{org_id}:{item_id.strip()}".upper()


def choices(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((v, v.capitalize()) for v in values)


def tags_of(text: str) -> list[str]:
    return [t for t in (part.strip() for part in text.split(",")) if t]


def _by_agent(call: AdminCall, q: ListQuery) -> dict[str, Any]:
    return {
        "principal": call.principal,
        "page": q.page,
        "org_id": q.filter(ORG_FILTER),
        "project_id": q.filter("project"),
        "status": q.filter("status"),
    }


AGENT_FILTERS = (
    ListFilter("project", "Project id"),
    ListFilter("status", "Status", choices(AGENT_STATUSES)),
)

# -- agents ------------------------------------------------------------------------------------


def _get_agent(call: AdminCall, key: str) -> Any:
    return _staff().get_agent(principal=call.principal, **pair(key, "agent_id"))


def _list_agents(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_get_agent(call, searched(q))])
    return _staff().list_agents(**_by_agent(call, q))


def _archive(call: AdminCall, keys: list[str]) -> str:
    pairs = [(org_id, agent_id) for org_id, agent_id in (split_key(k, 2) for k in keys)]
    done = _staff().archive_agents(**who(call), keys=pairs)
    skipped = f" Skipped {'; '.join(done.skipped)}." if done.skipped else ""
    return f"{done.changed} agent(s) archived.{skipped}"


AGENTS = EntityAdmin(
    context=CONTEXT,
    name="agents",
    label="Agents",
    columns=("name", "status", "project_id", "tags", "org_id", "updated_at", "id"),
    list=_list_agents,
    get=_get_agent,
    key=lambda a: f"{a.org_id}:{a.id}",
    fields=(
        FormField("name"),
        FormField("description", "textarea", required=False),
        FormField(
            "status",
            "choice",
            choices=AGENT_STATUSES,
            help="archive with the Archive action; an archived agent stays archived",
        ),
        FormField("tags", required=False, help="comma-separated: a-z 0-9 _ . : -"),
    ),
    save=lambda call, key, values, version: _staff().update_agent(
        **who(call),
        **pair(key or "", "agent_id"),
        expected_version=version,
        name=values["name"],
        description=values.get("description") or "",
        tags=tags_of(values.get("tags") or ""),
        status=values["status"],
    ),
    delete=lambda call, key, version: _staff().delete_agent(
        **who(call), **pair(key, "agent_id"), expected_version=version
    ),
    initial=lambda a: {
        "name": a.name,
        "description": a.description,
        "status": a.status,
        "tags": ", ".join(sorted(a.tags)),
    },
    add=False,
    filters=AGENT_FILTERS,
    search_help="an agent id, with an organisation chosen (or <organisation id>:<id>)",
    actions=(AdminAction("archive", "Archive", _archive),),
    tenant_owned=True,
    feature=FEATURE,
    delete_note="Its flow and every node configuration of the flow are deleted with it.",
    links=(
        Link("flow_id", CONTEXT, "flows", lambda a: f"{a.org_id}:{a.id}"),
        Link("project_id", "projects", "projects", lambda a: f"{a.org_id}:{a.project_id}"),
        Link(
            "published_version",
            CONTEXT,
            "agent-versions",
            filters=lambda a: {ORG_FILTER: a.org_id, "agent": a.id},
        ),
    ),
)

# -- flows (read only) -------------------------------------------------------------------------


def _get_flow(call: AdminCall, key: str) -> Any:
    return _staff().get_flow(principal=call.principal, **pair(key, "agent_id"))


def _list_flows(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_get_flow(call, searched(q))])
    return _staff().list_flows(**_by_agent(call, q))


FLOWS = EntityAdmin(
    context=CONTEXT,
    name="flows",
    label="Flows",
    columns=("agent_name", "nodes", "edges", "version", "agent_status", "updated_at", "agent_id"),
    list=_list_flows,
    get=_get_flow,
    key=lambda f: f"{f.org_id}:{f.agent_id}",
    add=False,
    filters=AGENT_FILTERS,
    search_help="an agent id, with an organisation chosen (or <organisation id>:<agent id>)",
    tenant_owned=True,
    feature=FEATURE,
    links=(Link("agent_id", CONTEXT, "agents", lambda f: f"{f.org_id}:{f.agent_id}"),),
)

# -- published versions (read only) ------------------------------------------------------------


def _version_ids(key: str) -> dict[str, Any]:
    org_id, agent_id, number = split_key(key, 3)
    if not number.isdigit():
        raise NotFound("agent version not found")
    return {"org_id": org_id, "agent_id": agent_id, "number": int(number)}


def _get_version(call: AdminCall, key: str) -> Any:
    return _staff().get_version(principal=call.principal, **_version_ids(key))


def _list_versions(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        key = f"{q.filter(ORG_FILTER) or ''}:{q.filter('agent') or ''}:{q.search}".upper()
        return Page([_get_version(call, key)])
    return _staff().list_versions(
        principal=call.principal,
        page=q.page,
        org_id=q.filter(ORG_FILTER),
        agent_id=q.filter("agent"),
    )


def _agent_link(column: str) -> Link:
    return Link(column, CONTEXT, "agents", lambda v: f"{v.org_id}:{v.agent_id}")


AGENT_VERSIONS = EntityAdmin(
    context=CONTEXT,
    name="agent-versions",
    label="Agent versions",
    columns=("number", "note", "created_by", "created_at", "node_count", "edge_count", "agent_id"),
    list=_list_versions,
    get=_get_version,
    key=lambda v: f"{v.org_id}:{v.agent_id}:{v.number}",
    add=False,
    filters=(ListFilter("agent", "Agent id"),),
    search_help="a version number, with an organisation and an agent chosen",
    tenant_owned=True,
    feature=FEATURE,
    links=(_agent_link("agent_id"), _agent_link("agent_name")),
)

# -- custom node types (read only) -------------------------------------------------------------


def _get_node_type(call: AdminCall, key: str) -> Any:
    return _staff().get_node_type(principal=call.principal, **pair(key, "type_"))


def _list_node_types(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        org_id, _, type_ = q.search.rpartition(":")
        org_id = (org_id or q.filter(ORG_FILTER) or "").strip().upper()
        if not org_id:
            raise invalid("q", "choose an organisation, or search <organisation id>:<type>")
        return Page([_get_node_type(call, f"{org_id}:{type_.strip()}")])
    return _staff().list_node_types(
        principal=call.principal, page=q.page, org_id=q.filter(ORG_FILTER)
    )


NODE_TYPES = EntityAdmin(
    context=CONTEXT,
    name="node-types",
    label="Custom node types",
    columns=("type", "org_id", "created_by", "created_at"),
    list=_list_node_types,
    get=_get_node_type,
    key=lambda t: f"{t.org_id}:{t.type}",
    add=False,
    search_help="a node type, with an organisation chosen (or <organisation id>:<type>)",
    tenant_owned=True,
    feature=FEATURE,
)

register(AGENTS, FLOWS, AGENT_VERSIONS, NODE_TYPES)
