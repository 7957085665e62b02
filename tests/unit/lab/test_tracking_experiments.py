"""Experiment use cases on fakes: roles on the project, unique names, soft delete, events."""

from __future__ import annotations

import pytest

from domains.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from domains.shared.pagination import PageRequest
from tests.unit.lab.tracking_world import OTHER_ORG, PROJECT, TrackingWorld


@pytest.fixture
def world() -> TrackingWorld:
    return TrackingWorld()


def test_create_audits_and_publishes(world: TrackingWorld) -> None:
    editor = world.person("editor")
    exp = world.experiments.create(ctx=editor, project_id=PROJECT, name=" churn ", tags={"a": "b"})
    assert (exp.name, exp.version, exp.lifecycle_stage, exp.tags) == (
        "churn",
        1,
        "active",
        {"a": "b"},
    )
    assert [e.name for e in world.store.events] == ["ExperimentCreated"]
    assert world.store.events[0].data == {"project_id": PROJECT, "name": "churn"}
    assert [a.action for a in world.store.audit] == ["experiment.create"]
    with world.uow() as uow:
        assert uow.experiments.get_by_name(editor.org_id, "churn") == exp


def test_get_by_name_for_mlflow(world: TrackingWorld) -> None:
    editor = world.person("editor")
    exp = world.experiments.create(ctx=editor, project_id=PROJECT, name="churn")
    assert world.experiments.get_by_name(ctx=world.person("viewer"), name="churn") == exp
    for stranger, name in ((world.person(None), "churn"), (editor, "other")):
        with pytest.raises(NotFound):
            world.experiments.get_by_name(ctx=stranger, name=name)
    with pytest.raises(NotFound):
        world.experiments.get_by_name(ctx=world.person("admin", org=OTHER_ORG), name="churn")


def test_roles_and_tenants(world: TrackingWorld) -> None:
    viewer, editor = world.person("viewer"), world.person("editor")
    with pytest.raises(Forbidden):
        world.experiments.create(ctx=viewer, project_id=PROJECT, name="x")
    with pytest.raises(Forbidden):
        world.experiments.create(
            ctx=world.person("editor", org_role="viewer"), project_id=PROJECT, name="x"
        )
    exp = world.experiments.create(ctx=editor, project_id=PROJECT, name="x")
    assert world.experiments.get(ctx=viewer, experiment_id=exp.id) == exp
    with pytest.raises(Forbidden):
        world.experiments.delete(ctx=editor, experiment_id=exp.id)
    for stranger in (world.person(None), world.person("admin", "admin", org=OTHER_ORG)):
        with pytest.raises(NotFound):
            world.experiments.get(ctx=stranger, experiment_id=exp.id)


def test_unique_names_rename_soft_delete_and_restore(world: TrackingWorld) -> None:
    editor, admin = world.person("editor"), world.person("admin")
    exp = world.experiments.create(ctx=editor, project_id=PROJECT, name="a")
    with pytest.raises(Conflict):
        world.experiments.create(ctx=editor, project_id=PROJECT, name="a")
    renamed = world.experiments.update(
        ctx=editor, experiment_id=exp.id, expected_version=1, name="b"
    )
    assert renamed.version == 2
    world.experiments.create(ctx=editor, project_id=PROJECT, name="a")
    with pytest.raises(PreconditionFailed):
        world.experiments.update(ctx=editor, experiment_id=exp.id, expected_version=1, name="c")
    deleted = world.experiments.delete(ctx=admin, experiment_id=exp.id)
    assert deleted.lifecycle_stage == "deleted" and deleted.deleted_at == world.clock.now()
    with pytest.raises(Conflict):
        world.experiments.update(ctx=editor, experiment_id=exp.id, expected_version=None, name="d")
    page = PageRequest(10)
    listed = world.experiments.list(ctx=editor, project_id=PROJECT, lifecycle="active", page=page)
    assert [e.name for e in listed.items] == ["a"]
    restored = world.experiments.restore(ctx=admin, experiment_id=exp.id)
    assert restored.lifecycle_stage == "active" and restored.deleted_at is None
    with pytest.raises(Conflict):
        world.experiments.restore(ctx=admin, experiment_id=exp.id)
    assert [e.name for e in world.store.events] == [
        "ExperimentCreated",
        "ExperimentUpdated",
        "ExperimentCreated",
        "ExperimentDeleted",
        "ExperimentRestored",
    ]
    with pytest.raises(ValidationFailed):
        world.experiments.list(ctx=editor, project_id=PROJECT, lifecycle="gone", page=page)
