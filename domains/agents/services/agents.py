"""Agents: create in a project, read, update, archive, delete, list (project, status, mine)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime

from domains.agents.model import (
    AGENT_STATUSES,
    Agent,
    Flow,
    check_agent_description,
    check_agent_name,
    check_agent_status,
    invalid,
)
from domains.agents.ports import AgentsUnitOfWork, ProjectAccess, UnitOfWorkFactory
from domains.agents.services.access import agent_with_role, require_role
from domains.shared.clock import Clock
from domains.shared.errors import Conflict
from domains.shared.events import record_change
from domains.shared.guards import check_version
from domains.shared.ids import new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tags import check_tags
from domains.shared.tenancy import TenantContext

Change = Callable[[Agent, datetime], Agent]


class AgentService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, projects: ProjectAccess) -> None:
        self._uow = uow
        self._clock = clock
        self._projects = projects

    def create(
        self,
        *,
        ctx: TenantContext,
        project_id: str,
        name: str,
        description: str = "",
        tags: Iterable[str] = (),
    ) -> Agent:
        """Needs editor on the project; the agent starts as a draft with an empty flow."""
        ctx.require(Permission.AGENT_WRITE)
        now, user = self._clock.now(), ctx.principal.user_id
        agent = Agent(
            ctx.org_id,
            new_id(),
            project_id,
            check_agent_name(name),
            user,
            now,
            now,
            new_id(),
            check_agent_description(description),
            check_tags(tags),
        )
        require_role(self._projects, ctx, project_id, "editor")
        with self._uow() as uow:
            uow.agents.add(agent)
            uow.flows.add(Flow(ctx.org_id, agent.flow_id, agent.id, now, user))
            self._record(uow, ctx, agent, "create", "Created", now, name=agent.name)
            uow.commit()
        return replace(agent, version=1)

    def get(self, *, ctx: TenantContext, agent_id: str) -> tuple[Agent, str]:
        """The agent and my role on its project."""
        ctx.require(Permission.AGENT_READ)
        with self._uow() as uow:
            return agent_with_role(self._projects, ctx, uow, agent_id, "viewer")

    def list_project(
        self, *, ctx: TenantContext, project_id: str, page: PageRequest
    ) -> Page[Agent]:
        ctx.require(Permission.AGENT_READ)
        require_role(self._projects, ctx, project_id, "viewer")
        with self._uow() as uow:
            return uow.agents.list_project(ctx.org_id, project_id, page)

    def list_status(self, *, ctx: TenantContext, status: str, page: PageRequest) -> Page[Agent]:
        """The organisation's agents with a status, those of projects I can see."""
        ctx.require(Permission.AGENT_READ)
        if status not in AGENT_STATUSES:
            raise invalid("status", f"one of {list(AGENT_STATUSES)}")
        with self._uow() as uow:
            return self._visible(ctx, uow.agents.list_status(ctx.org_id, status, page))

    def list_mine(self, *, ctx: TenantContext, page: PageRequest) -> Page[Agent]:
        """The agents I created, those of projects I can still see."""
        ctx.require(Permission.AGENT_READ)
        with self._uow() as uow:
            mine = uow.agents.list_owner(ctx.org_id, ctx.principal.user_id, page)
            return self._visible(ctx, mine)

    def _visible(self, ctx: TenantContext, page: Page[Agent]) -> Page[Agent]:
        """One role lookup per distinct project of the page."""
        roles = {p: self._projects.role(ctx, p) for p in {a.project_id for a in page.items}}
        return Page([a for a in page.items if roles[a.project_id]], page.next_cursor)

    def update(
        self,
        *,
        ctx: TenantContext,
        agent_id: str,
        expected_version: int | None,
        name: str | None = None,
        description: str | None = None,
        tags: Iterable[str] | None = None,
        status: str | None = None,
    ) -> Agent:
        def change(a: Agent, now: datetime) -> Agent:
            if status is not None and a.status == "archived":
                raise Conflict("the agent is archived")
            return replace(
                a,
                name=check_agent_name(name) if name is not None else a.name,
                description=check_agent_description(description)
                if description is not None
                else a.description,
                tags=check_tags(tags) if tags is not None else a.tags,
                status=check_agent_status(status) if status is not None else a.status,
            )

        return self._change(ctx, agent_id, expected_version, change, "update", "Updated")

    def archive(
        self, *, ctx: TenantContext, agent_id: str, expected_version: int | None = None
    ) -> Agent:
        def change(a: Agent, now: datetime) -> Agent:
            if a.status == "archived":
                raise Conflict("the agent is archived already")
            return a.archived(now)

        return self._change(ctx, agent_id, expected_version, change, "archive", "Archived")

    def _change(
        self,
        ctx: TenantContext,
        agent_id: str,
        expected_version: int | None,
        change: Change,
        verb: str,
        past: str,
    ) -> Agent:
        ctx.require(Permission.AGENT_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            agent, _ = agent_with_role(self._projects, ctx, uow, agent_id, "editor")
            check_version(expected_version, agent.version, "agent")
            changed = replace(change(agent, now), updated_at=now)
            uow.agents.save(changed)
            self._record(uow, ctx, agent, verb, past, now)
            uow.commit()
        return replace(changed, version=agent.version + 1)

    def delete(
        self, *, ctx: TenantContext, agent_id: str, expected_version: int | None = None
    ) -> None:
        """Needs admin on the project; the agent's flow goes with it, its node configs and
        versions after it."""
        ctx.require(Permission.AGENT_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            agent, _ = agent_with_role(self._projects, ctx, uow, agent_id, "admin")
            check_version(expected_version, agent.version, "agent")
            flow = uow.flows.get(ctx.org_id, agent.flow_id)
            uow.agents.remove(agent)
            if flow is not None:
                uow.flows.remove(flow)
            self._record(uow, ctx, agent, "delete", "Deleted", now, name=agent.name)
            uow.commit()
            uow.node_configs.purge_flow(ctx.org_id, agent.flow_id)
            uow.versions.purge_agent(ctx.org_id, agent.id)

    @staticmethod
    def _record(
        uow: AgentsUnitOfWork,
        ctx: TenantContext,
        agent: Agent,
        verb: str,
        past: str,
        at: datetime,
        **details: str,
    ) -> None:
        record_change(
            uow,
            ctx,
            action=f"agent.{verb}",
            event=f"Agent{past}",
            resource=("agent", agent.id),
            at=at,
            project_id=agent.project_id,
            **details,
        )
