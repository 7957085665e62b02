"""The agents services over in-memory fakes, and people with roles on a project."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.validation.json_schema import JsonSchemaValidator
from domains.agents.services.agents import AgentService
from domains.agents.services.flows import FlowService
from domains.agents.services.node_types import NodeTypeService
from domains.shared.clock import FixedClock
from domains.shared.ids import new_id
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.agents import AgentsStore, FakeProjectAccess, InMemoryAgentsUnitOfWork

ORG = new_id()
OTHER_ORG = new_id()
PROJECT = new_id()


@dataclass
class World:
    store: AgentsStore = field(default_factory=AgentsStore)
    clock: FixedClock = field(default_factory=FixedClock)
    projects: FakeProjectAccess = field(default_factory=FakeProjectAccess)

    def __post_init__(self) -> None:
        def uow() -> InMemoryAgentsUnitOfWork:
            return InMemoryAgentsUnitOfWork(self.store)

        self.agents = AgentService(uow=uow, clock=self.clock, projects=self.projects)
        self.flows = FlowService(uow=uow, clock=self.clock, projects=self.projects)
        self.node_types = NodeTypeService(
            uow=uow, clock=self.clock, projects=self.projects, validator=JsonSchemaValidator()
        )

    def person(
        self, project_role: str | None, org_role: str = "member", org: str = ORG
    ) -> TenantContext:
        """A member of the organisation with `project_role` on PROJECT (None: no role)."""
        user = f"{project_role}-{new_id()}"
        if project_role is not None:
            self.projects.grant(org, PROJECT, user, project_role)
        return TenantContext(org, Principal(user), org_role, permissions_for(org_role), "req-1")
