"""Who may do what to an agent: the role on its project (viewer reads, editor writes, admin
deletes), beside the agent:read / agent:write permission. A project the caller cannot see
hides its agents: they are 404, like another organisation's."""

from __future__ import annotations

from domains.agents.model import Agent, role_rank
from domains.agents.ports import AgentsUnitOfWork, ProjectAccess
from domains.shared.errors import Forbidden, NotFound
from domains.shared.guards import found
from domains.shared.ids import is_valid_id
from domains.shared.tenancy import TenantContext


def require_role(projects: ProjectAccess, ctx: TenantContext, project_id: str, role: str) -> str:
    """My role on the project, if at least `role`: NotFound when it is not visible,
    Forbidden when it is too low."""
    mine = projects.role(ctx, project_id) if is_valid_id(project_id) else None
    if mine is None:
        raise NotFound("project not found")
    if role_rank(mine) < role_rank(role):
        raise Forbidden(f"this needs the {role} role on the project", role=role)
    return mine


def load_agent(ctx: TenantContext, uow: AgentsUnitOfWork, agent_id: str) -> Agent:
    """404 for an id that is malformed, absent, or another organisation's."""
    wanted = uow.agents.get(ctx.org_id, agent_id) if is_valid_id(agent_id) else None
    return found(wanted, "agent")


def agent_with_role(
    projects: ProjectAccess, ctx: TenantContext, uow: AgentsUnitOfWork, agent_id: str, role: str
) -> tuple[Agent, str]:
    """The agent, if its project grants `role` (an invisible project hides it: 404)."""
    agent = load_agent(ctx, uow, agent_id)
    try:
        mine = require_role(projects, ctx, agent.project_id, role)
    except NotFound:
        raise NotFound("agent not found") from None
    return agent, mine
