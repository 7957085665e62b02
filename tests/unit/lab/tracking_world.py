"""The tracking services over in-memory fakes, and people with roles on a project."""

from __future__ import annotations

from dataclasses import dataclass, field

from domains.lab.tracking.services.experiments import ExperimentService
from domains.lab.tracking.services.metrics import MetricService
from domains.lab.tracking.services.runs import ExperimentRunService
from domains.shared.clock import FixedClock
from domains.shared.ids import new_id
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.agents import FakeProjectAccess
from tests.fakes.tracking import InMemoryMetricStore, InMemoryTrackingUnitOfWork, TrackingStore

ORG = new_id()
OTHER_ORG = new_id()
PROJECT = new_id()


@dataclass
class TrackingWorld:
    store: TrackingStore = field(default_factory=TrackingStore)
    clock: FixedClock = field(default_factory=FixedClock)
    projects: FakeProjectAccess = field(default_factory=FakeProjectAccess)
    metric_store: InMemoryMetricStore = field(default_factory=InMemoryMetricStore)

    def __post_init__(self) -> None:
        def uow() -> InMemoryTrackingUnitOfWork:
            return InMemoryTrackingUnitOfWork(self.store)

        self.uow = uow
        self.experiments = ExperimentService(uow=uow, clock=self.clock, projects=self.projects)
        self.runs = ExperimentRunService(uow=uow, clock=self.clock, projects=self.projects)
        self.metrics = MetricService(
            uow=uow, store=self.metric_store, projects=self.projects, clock=self.clock
        )

    def person(
        self, project_role: str | None, org_role: str = "member", org: str = ORG
    ) -> TenantContext:
        """A member of the organisation with `project_role` on PROJECT (None: no role)."""
        user = f"{project_role}-{new_id()}"
        if project_role is not None:
            self.projects.grant(org, PROJECT, user, project_role)
        return TenantContext(org, Principal(user), org_role, permissions_for(org_role), "req-1")
