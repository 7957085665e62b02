"""The templates unit tier: the services on in-memory fakes, a fresh world per test."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from domains.agents.templates.selectors import TemplateSelector
from domains.agents.templates.services import ContentIn, TemplateService, TemplateStatsService
from domains.shared.clock import FixedClock
from domains.shared.ids import new_id
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.agents import FakeProjectAccess
from tests.fakes.prompts import RecordingUsage
from tests.fakes.templates import InMemoryTemplatesUnitOfWork, TemplatesStore

ORG = new_id()
OTHER_ORG = new_id()
PROJECT = new_id()


def content(configs: dict[str, Any] | None = None) -> ContentIn:
    nodes = [{"id": "in", "type": "input"}, {"id": "llm", "type": "llm_call"}]
    nodes.append({"id": "out", "type": "output"})
    edges = [
        {"id": "e1", "source": "in", "target": "llm", "target_handle": "prompt"},
        {"id": "e2", "source": "llm", "target": "out"},
    ]
    return ContentIn(nodes, edges, {"viewport": {"zoom": 1}}, configs or {"llm": {"model": "m"}})


@dataclass
class World:
    store: TemplatesStore = field(default_factory=TemplatesStore)
    clock: FixedClock = field(default_factory=FixedClock)
    projects: FakeProjectAccess = field(default_factory=FakeProjectAccess)
    usage: RecordingUsage = field(default_factory=RecordingUsage)

    def __post_init__(self) -> None:
        def uow() -> InMemoryTemplatesUnitOfWork:
            return InMemoryTemplatesUnitOfWork(self.store)

        self.templates = TemplateService(
            uow=uow, clock=self.clock, projects=self.projects, usage=self.usage
        )
        self.selector = TemplateSelector(uow=uow)
        self.stats = TemplateStatsService(uow=uow)

    def person(
        self, role: str = "member", org: str = ORG, project_role: str | None = None
    ) -> TenantContext:
        user = f"{role}-{new_id()}"
        if project_role is not None:
            self.projects.grant(org, PROJECT, user, project_role)
        return TenantContext(org, Principal(user), role, permissions_for(role), "req-1")

    def publish(self, ctx: TenantContext, **extra: Any) -> Any:
        fields = {"name": "Starter", "category": "assistant", "source": content(), **extra}
        template, _ = self.templates.create(ctx=ctx, **fields)
        return template

    def deliver(self) -> int:
        """Every event published so far to the stats consumer; the uses counted."""
        return sum(self.stats.consume(e) for e in list(self.store.events))


@pytest.fixture
def world() -> World:
    return World()
