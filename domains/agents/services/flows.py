"""Flows: an agent's nodes, edges and canvas, read and saved whole (validated on save)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from domains.agents.flow_rules import check_flow
from domains.agents.model import Flow
from domains.agents.ports import ProjectAccess, UnitOfWorkFactory
from domains.agents.services.access import agent_with_role
from domains.agents.services.node_types import node_types
from domains.shared.clock import Clock
from domains.shared.errors import ValidationFailed
from domains.shared.events import record_change
from domains.shared.guards import check_version, found
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext


class FlowService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, projects: ProjectAccess) -> None:
        self._uow = uow
        self._clock = clock
        self._projects = projects

    def get(self, *, ctx: TenantContext, agent_id: str) -> Flow:
        ctx.require(Permission.AGENT_READ)
        with self._uow() as uow:
            agent, _ = agent_with_role(self._projects, ctx, uow, agent_id, "viewer")
            return found(uow.flows.get(ctx.org_id, agent.flow_id), "flow")

    def save(
        self,
        *,
        ctx: TenantContext,
        agent_id: str,
        expected_version: int | None,
        nodes: Sequence[Mapping[str, Any]],
        edges: Sequence[Mapping[str, Any]],
        canvas: Mapping[str, Any],
    ) -> Flow:
        """Replace the whole flow; every problem is reported at once (422)."""
        ctx.require(Permission.AGENT_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            agent, _ = agent_with_role(self._projects, ctx, uow, agent_id, "editor")
            problems = check_flow(nodes, edges, node_types(uow, ctx.org_id))
            if problems:
                raise ValidationFailed(f"the flow has {len(problems)} problem(s)", errors=problems)
            flow = found(uow.flows.get(ctx.org_id, agent.flow_id), "flow")
            check_version(expected_version, flow.version, "flow")
            saved = replace(
                flow,
                nodes=[dict(n) for n in nodes],
                edges=[dict(e) for e in edges],
                canvas=dict(canvas),
                updated_at=now,
                updated_by=ctx.principal.user_id,
            )
            uow.flows.save(saved)
            record_change(
                uow,
                ctx,
                action="flow.save",
                event="FlowSaved",
                resource=("flow", flow.id),
                at=now,
                agent_id=agent.id,
                nodes=len(nodes),
                edges=len(edges),
            )
            uow.commit()
        return replace(saved, version=flow.version + 1)
