"""The model registry's unit world: its services on the in-memory fakes, a fixed clock, and
project roles set by hand."""

from __future__ import annotations

from dataclasses import dataclass, field

from domains.lab.registry.lifecycle import ModelLifecycleService
from domains.lab.registry.model import VersionDraft
from domains.lab.registry.selectors import RegistrySelector
from domains.lab.registry.services import ModelRegistryService
from domains.shared.clock import FixedClock
from domains.shared.ids import new_id
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.lab_registry import FixedProjectAccess, InMemoryRegistryUnitOfWork, RegistryStore

ORG = new_id()
PROJECT = new_id()
DRAFT = VersionDraft("s3://models/churn/1", metrics={"auc": 0.9})


@dataclass
class RegistryWorld:
    store: RegistryStore = field(default_factory=RegistryStore)
    clock: FixedClock = field(default_factory=FixedClock)
    access: FixedProjectAccess = field(default_factory=FixedProjectAccess)

    def __post_init__(self) -> None:
        def uow() -> InMemoryRegistryUnitOfWork:
            return InMemoryRegistryUnitOfWork(self.store)

        shared = {"uow": uow, "clock": self.clock, "projects": self.access}
        self.models = ModelRegistryService(**shared)  # type: ignore[arg-type]
        self.lifecycle = ModelLifecycleService(**shared)  # type: ignore[arg-type]
        self.selector = RegistrySelector(uow=uow, projects=self.access)

    def person(self, role: str, project_role: str | None = "editor") -> TenantContext:
        ctx = TenantContext(ORG, Principal(f"{role}-{new_id()}"), role, permissions_for(role))
        if project_role:
            self.access.roles[(ctx.principal.user_id, PROJECT)] = project_role
        return ctx

    def model(self, ctx: TenantContext, versions: int = 1, name: str = "churn") -> str:
        model, _ = self.models.register(
            ctx=ctx,
            name=name,
            task="classification",
            framework="xgboost",
            project_id=PROJECT,
            first=DRAFT if versions else None,
        )
        for _ in range(versions - 1):
            self.clock.advance(seconds=1)
            self.models.add_version(ctx=ctx, model_id=model.id, draft=DRAFT)
        return model.id
