"""Reading the execution history: an agent's runs (filtered, newest first) and one run with
its steps, for anyone who may view the agent (viewer on its project); and staff browsing.

An agent's runs are reached through the agent: a deleted agent's runs stay in the table until
their TTL (history and cost reporting keep them), but the API no longer shows them.
"""

from __future__ import annotations

from datetime import datetime

from domains.agents.model import Agent, invalid
from domains.agents.ports import ProjectAccess
from domains.agents.runs.model import RUN_STATUSES, AgentRun, check_window
from domains.agents.runs.ports import RunFilter, RunsUnitOfWork, UnitOfWorkFactory
from domains.agents.services.access import require_role
from domains.shared.errors import NotFound
from domains.shared.guards import found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.staff import require_staff
from domains.shared.tenancy import Principal, TenantContext


def agent_for(
    projects: ProjectAccess, ctx: TenantContext, uow: RunsUnitOfWork, agent_id: str, role: str
) -> Agent:
    """The agent if its project grants `role`: 404 when it is malformed, absent, another
    organisation's or on a project the caller cannot see; 403 when the role is too low."""
    agent = uow.agents.get(ctx.org_id, agent_id) if is_valid_id(agent_id) else None
    agent = found(agent, "agent")
    try:
        require_role(projects, ctx, agent.project_id, role)
    except NotFound:
        raise NotFound("agent not found") from None
    return agent


def run_filter(
    *,
    status: str | None = None,
    version: int | None = None,
    user: str | None = None,
    started_from: datetime | None = None,
    started_to: datetime | None = None,
) -> RunFilter:
    if status is not None and status not in RUN_STATUSES:
        raise invalid("status", f"one of {list(RUN_STATUSES)}")
    low, high = check_window(started_from, started_to)
    return RunFilter(status, version, user, low, high)


class RunSelector:
    def __init__(self, *, uow: UnitOfWorkFactory, projects: ProjectAccess) -> None:
        self._uow = uow
        self._projects = projects

    def list(
        self, *, ctx: TenantContext, agent_id: str, page: PageRequest, where: RunFilter
    ) -> Page[AgentRun]:
        ctx.require(Permission.AGENT_READ)
        with self._uow() as uow:
            agent = agent_for(self._projects, ctx, uow, agent_id, "viewer")
            return uow.runs.list(ctx.org_id, agent.id, page=page, where=where)

    def get(self, *, ctx: TenantContext, agent_id: str, run_id: str) -> AgentRun:
        ctx.require(Permission.AGENT_READ)
        with self._uow() as uow:
            agent = agent_for(self._projects, ctx, uow, agent_id, "viewer")
            run = uow.runs.get(ctx.org_id, agent.id, run_id) if is_valid_id(run_id) else None
        return found(run, "run")

    def staff_list(
        self, *, principal: Principal, org_id: str, agent_id: str, page: PageRequest
    ) -> Page[AgentRun]:
        """Staff read any agent's runs, a deleted agent's too (the admin's read-only list)."""
        require_staff(principal)
        if not (is_valid_id(org_id) and is_valid_id(agent_id)):
            raise NotFound("no such agent")
        with self._uow() as uow:
            return uow.runs.list(org_id, agent_id, page=page, where=RunFilter())
