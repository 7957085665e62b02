"""The execution history unit tier: the run services on in-memory fakes, one agent in a
project, people with roles on it, a fresh world per test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from domains.agents.model import Agent
from domains.agents.runs.selectors import RunSelector
from domains.agents.runs.services import RunService
from domains.shared.clock import FixedClock
from domains.shared.ids import new_id
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import KeyGrant, Principal, TenantContext
from tests.fakes.agents import FakeProjectAccess
from tests.fakes.prompts import RecordingUsage
from tests.fakes.runs import InMemoryRunsUnitOfWork, RunsStore

ORG = new_id()
OTHER_ORG = new_id()
PROJECT = new_id()


@dataclass
class World:
    clock: FixedClock = field(default_factory=FixedClock)
    projects: FakeProjectAccess = field(default_factory=FakeProjectAccess)
    usage: RecordingUsage = field(default_factory=RecordingUsage)

    def __post_init__(self) -> None:
        self.store = RunsStore(clock=self.clock)
        now = self.clock.now()
        self.agent = Agent(ORG, new_id(), PROJECT, "Triage", "u0", now, now, new_id(), version=1)
        self.store.agents[(ORG, self.agent.id)] = self.agent

        def uow() -> InMemoryRunsUnitOfWork:
            return InMemoryRunsUnitOfWork(self.store)

        self.runs = RunService(uow=uow, clock=self.clock, projects=self.projects, usage=self.usage)
        self.selector = RunSelector(uow=uow, projects=self.projects)

    def person(
        self, project_role: str | None, org_role: str = "member", org: str = ORG
    ) -> TenantContext:
        """A member of the organisation with `project_role` on PROJECT (None: no role)."""
        user = f"{project_role}-{new_id()}"
        if project_role is not None:
            self.projects.grant(org, PROJECT, user, project_role)
        return TenantContext(org, Principal(user), org_role, permissions_for(org_role), "req-1")

    def key(self, *permissions: str, project_role: str = "editor") -> TenantContext:
        """An API key of a user with `project_role`, granted `permissions`."""
        user = new_id()
        self.projects.grant(ORG, PROJECT, user, project_role)
        grant = KeyGrant(ORG, frozenset(permissions))
        principal = Principal(user, api_key_id=new_id(), key_grant=grant)
        return TenantContext(ORG, principal, "apikey", frozenset(permissions))

    def started(self, **ago: float) -> datetime:
        return self.clock.now() - timedelta(**(ago or {"minutes": 1}))

    def log(self, ctx: TenantContext, **fields: Any) -> Any:
        body: dict[str, Any] = {
            "status": "succeeded",
            "started_at": self.started(),
            "duration_ms": 1500,
            **fields,
        }
        run, _ = self.runs.log(ctx=ctx, agent_id=self.agent.id, **body)
        return run


@pytest.fixture
def world() -> World:
    return World()
