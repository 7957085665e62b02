"""The execution history in the admin (feature `agent_builder`): a read-only list of one
agent's runs, newest first (choose the organisation and the agent). Registered from
`domains.agents.admin`; runs are never changed, so there is no form."""

from __future__ import annotations

from typing import Any

from domains.agents.runs.model import AgentRun
from domains.shared.admin import (
    ORG_FILTER,
    AdminCall,
    EntityAdmin,
    ListFilter,
    ListQuery,
    register,
)
from domains.shared.errors import ValidationFailed
from domains.shared.pagination import Page
from domains.shared.web import service

AGENT_FILTER = "agent"


def _list_runs(call: AdminCall, q: ListQuery) -> Page[Any]:
    org_id, agent_id = q.filter(ORG_FILTER), q.filter(AGENT_FILTER)
    if not (org_id and agent_id):
        raise ValidationFailed("choose an organisation and an agent to list its runs")
    selector = service("runs").selector()
    return selector.staff_list(  # type: ignore[no-any-return]
        principal=call.principal, org_id=org_id.upper(), agent_id=agent_id.upper(), page=q.page
    )


def _key(run: AgentRun) -> str:
    return f"{run.org_id}:{run.agent_id}:{run.id}"


RUNS = EntityAdmin(
    context="agents",
    name="runs",
    label="Agent runs",
    columns=(
        "started_at",
        "status",
        "duration_ms",
        "model",
        "tokens_in",
        "tokens_out",
        "cost",
        "agent_version",
        "user_id",
        "id",
    ),
    list=_list_runs,
    get=None,
    key=_key,
    add=False,
    filters=(ListFilter(AGENT_FILTER, "Agent id"),),
    tenant_owned=True,
    feature="agent_builder",
)

register(RUNS)
