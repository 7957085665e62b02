"""What staff do to the registry (the admin's use cases) on the fakes: staff only, the list
each filter chooses, stage and deploy actions through the lifecycle (audited by_staff),
skipped versions saying why."""

from __future__ import annotations

import pytest

from domains.lab.registry.staff import StaffRegistryService
from domains.shared.errors import Forbidden, NotFound, ValidationFailed
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal
from tests.fakes.lab_registry import InMemoryRegistryStaffBrowser, InMemoryRegistryUnitOfWork
from tests.unit.lab.registry_world import ORG, RegistryWorld

STAFF = Principal("staff-1", is_staff=True)


class StaffWorld(RegistryWorld):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.staff = StaffRegistryService(
            uow=lambda: InMemoryRegistryUnitOfWork(self.store),
            browser=InMemoryRegistryStaffBrowser(self.store),
            lifecycle=self.lifecycle,
        )


@pytest.fixture
def world() -> StaffWorld:
    return StaffWorld()


def _staff_sees_every_project(world: StaffWorld) -> None:
    """Staff act as admins of every project (their tenant context's workspace:admin): the
    fake access grants it to the staff principal."""
    original = world.access.role

    def role(ctx: object, project_id: str) -> str | None:
        if ctx.principal.is_staff:  # type: ignore[attr-defined]
            return "admin"
        return original(ctx, project_id)

    world.access.role = role  # type: ignore[method-assign]


def test_staff_only(world: StaffWorld) -> None:
    with pytest.raises(Forbidden):
        world.staff.list_models(principal=Principal("someone"), page=PageRequest())
    with pytest.raises(Forbidden):
        world.staff.set_stage(principal=Principal("someone"), keys=[], stage="staging")
    with pytest.raises(Forbidden):
        world.staff.deploy(principal=Principal("someone"), keys=[], status="deploying")


def test_lists_by_filter(world: StaffWorld) -> None:
    owner = world.person("owner", "admin")
    model_id = world.model(owner, versions=2)
    world.lifecycle.set_stage(ctx=owner, model_id=model_id, number=2, stage="staging")
    every = world.staff.list_models(principal=STAFF, page=PageRequest())
    assert [m.id for m in every.items] == [model_id]
    assert world.staff.list_models(principal=STAFF, page=PageRequest(), task="ranking").items == []
    ours = world.staff.list_models(principal=STAFF, page=PageRequest(), org_id=ORG)
    assert [m.id for m in ours.items] == [model_id]
    of_model = world.staff.list_versions(
        principal=STAFF, page=PageRequest(), org_id=ORG, model_id=model_id
    )
    assert [v.number for v in of_model.items] == [2, 1]
    staged = world.staff.list_versions(
        principal=STAFF, page=PageRequest(), org_id=ORG, stage="staging"
    )
    assert [v.number for v in staged.items] == [2]
    scanned = world.staff.list_versions(principal=STAFF, page=PageRequest(), status="pending")
    assert len(scanned.items) == 2
    with pytest.raises(ValidationFailed):
        world.staff.list_versions(principal=STAFF, page=PageRequest(), stage="gone")
    with pytest.raises(NotFound):
        world.staff.get_version(principal=STAFF, org_id=ORG, model_id=model_id, number=3)


def test_actions_go_through_the_lifecycle(world: StaffWorld) -> None:
    _staff_sees_every_project(world)
    owner = world.person("owner", "admin")
    model_id = world.model(owner, versions=2)
    keys = [(ORG, model_id, 1), (ORG, model_id, 9)]
    done = world.staff.set_stage(principal=STAFF, keys=keys, stage="production")
    assert done.changed == 1 and "model version not found" in done.skipped[0]
    again = world.staff.set_stage(principal=STAFF, keys=[(ORG, model_id, 1)], stage="production")
    assert again.changed == 0 and "in production already" in again.skipped[0]
    moved = world.staff.deploy(
        principal=STAFF, keys=[(ORG, model_id, 1), (ORG, model_id, 2)], status="deploying"
    )
    assert moved.changed == 2
    refused = world.staff.deploy(principal=STAFF, keys=[(ORG, model_id, 1)], status="retired")
    assert refused.changed == 0 and "cannot become retired" in refused.skipped[0]
    staff_entries = [a for a in world.store.audit if a.actor_id == STAFF.user_id]
    assert [a.action for a in staff_entries] == ["model.stage", "model.deploy", "model.deploy"]
    assert all(a.details.get("by_staff") for a in staff_entries)
