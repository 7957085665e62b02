"""The model registry's use cases on the in-memory fakes: the rules of names, versions,
stages (one production version), deployments (TRANSITIONS only), aliases and metrics; who may
do each; and the audit entry and event of every change."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domains.lab.registry.model import DEPLOY_STATUSES, TRANSITIONS, VersionDraft
from domains.lab.registry.ports import VersionFilter
from domains.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from domains.shared.pagination import PageRequest
from tests.unit.lab.registry_world import DRAFT, PROJECT, RegistryWorld


@pytest.fixture
def world() -> RegistryWorld:
    return RegistryWorld()


def test_register_claims_the_name_and_records_the_change(world: RegistryWorld) -> None:
    owner = world.person("owner", "admin")
    model_id = world.model(owner)
    model = world.store.models[(owner.org_id, model_id)]
    assert model.latest_version == 1 and model.version == 1
    assert [e.name for e in world.store.events] == ["ModelRegistered", "ModelVersionAdded"]
    assert [a.action for a in world.store.audit] == ["model.register", "model.version"]
    with pytest.raises(Conflict):
        world.model(owner, name="CHURN")
    assert len(world.store.models) == 1 and len(world.store.events) == 2


def test_versions_are_numbered_under_the_models_version(world: RegistryWorld) -> None:
    editor = world.person("member")
    model_id = world.model(editor, versions=0)
    _, first = world.models.add_version(ctx=editor, model_id=model_id, draft=DRAFT)
    model, second = world.models.add_version(
        ctx=editor, model_id=model_id, draft=DRAFT, expected_version=2
    )
    assert (first.number, second.number, model.latest_version, model.version) == (1, 2, 2, 3)
    with pytest.raises(PreconditionFailed):
        world.models.add_version(ctx=editor, model_id=model_id, draft=DRAFT, expected_version=2)
    with pytest.raises(ValidationFailed):
        world.models.add_version(
            ctx=editor,
            model_id=model_id,
            draft=VersionDraft("s3://b/k", metrics={"a": float("nan")}),
        )


def test_roles_decide_who_writes(world: RegistryWorld) -> None:
    owner = world.person("owner", "admin")
    model_id = world.model(owner)
    viewer_on_project = world.person("member", "viewer")
    with pytest.raises(Forbidden):
        world.models.add_version(ctx=viewer_on_project, model_id=model_id, draft=DRAFT)
    outsider_of_project = world.person("member", None)
    with pytest.raises(NotFound):
        world.selector.get(ctx=outsider_of_project, model_id=model_id, page=PageRequest())
    with pytest.raises(Forbidden):
        world.models.add_version(
            ctx=world.person("viewer", "editor"), model_id=model_id, draft=DRAFT
        )
    editor = world.person("member")
    with pytest.raises(Forbidden):  # an editor without model:deploy
        world.lifecycle.deploy(ctx=editor, model_id=model_id, number=1, status="deploying")
    with pytest.raises(Forbidden):
        world.lifecycle.set_stage(ctx=editor, model_id=model_id, number=1, stage="production")
    assert world.lifecycle.set_stage(ctx=editor, model_id=model_id, number=1, stage="staging")


def test_promotion_replaces_the_production_version(world: RegistryWorld) -> None:
    admin = world.person("admin", "editor")
    model_id = world.model(admin, versions=3)

    def promote(number: int) -> int | None:
        _, replaced = world.lifecycle.set_stage(
            ctx=admin, model_id=model_id, number=number, stage="production"
        )
        return replaced.number if replaced else None

    assert promote(1) is None
    assert promote(2) == 1
    assert promote(2) is None  # already there: nothing written
    stages = {n: v.stage for (_, _, n), v in world.store.versions.items()}
    assert stages == {1: "archived", 2: "production", 3: "none"}
    assert world.store.pointers[(admin.org_id, model_id, "production")].number == 2
    world.lifecycle.set_stage(ctx=admin, model_id=model_id, number=2, stage="archived")
    assert (admin.org_id, model_id, "production") not in world.store.pointers
    changes = [e for e in world.store.events if e.name == "ModelStageChanged"]
    assert [(e.data["number"], e.data["replaced"]) for e in changes] == [
        (1, None),
        (2, 1),
        (2, None),
    ]


@pytest.mark.parametrize("start", DEPLOY_STATUSES)
@pytest.mark.parametrize("target", DEPLOY_STATUSES)
def test_only_the_lifecycles_transitions_are_allowed(start: str, target: str) -> None:
    world = RegistryWorld()
    admin = world.person("admin")
    model_id = world.model(admin)
    key = (admin.org_id, model_id, 1)
    world.store.versions[key] = replace(world.store.versions[key], deployment_status=start)
    if target in TRANSITIONS[start]:
        done = world.lifecycle.deploy(ctx=admin, model_id=model_id, number=1, status=target)
        assert done.deployment_status == target and done.history[-1].status == target
    else:
        with pytest.raises(Conflict):
            world.lifecycle.deploy(ctx=admin, model_id=model_id, number=1, status=target)


def test_deployments_keep_their_history_and_endpoint(world: RegistryWorld) -> None:
    admin = world.person("admin")
    model_id = world.model(admin)
    endpoint = {"instance_type": "ml.m5.large", "replicas": 2}
    for status, more in (
        ("deploying", endpoint),
        ("failed", {}),
        ("deploying", {}),
        ("deployed", {"url": "https://m.example/x"}),
    ):
        world.clock.advance(minutes=1)
        done = world.lifecycle.deploy(
            ctx=admin, model_id=model_id, number=1, status=status, endpoint=more
        )
    assert done.endpoint == {**endpoint, "url": "https://m.example/x"}
    times = [c.changed_at for c in done.history]
    assert times == sorted(times) and len(set(times)) == 5
    with pytest.raises(ValidationFailed):
        world.lifecycle.deploy(
            ctx=admin, model_id=model_id, number=1, status="retired", endpoint={"port": 1}
        )
    names = [e.name for e in world.store.events][2:]
    assert names == [
        "ModelDeploymentStarted",
        "ModelDeploymentFailed",
        "ModelDeploymentStarted",
        "ModelDeployed",
    ]


def test_aliases_point_at_existing_versions(world: RegistryWorld) -> None:
    editor = world.person("member")
    model_id = world.model(editor, versions=2)
    alias = world.models.set_alias(ctx=editor, model_id=model_id, alias="champion", number=2)
    assert alias.version == 1
    with pytest.raises(ValidationFailed):
        world.models.set_alias(ctx=editor, model_id=model_id, alias="champion", number=3)
    with pytest.raises(PreconditionFailed):
        world.models.set_alias(
            ctx=editor, model_id=model_id, alias="champion", number=1, expected_version=0
        )
    world.models.remove_alias(ctx=editor, model_id=model_id, alias="champion", expected_version=1)
    with pytest.raises(NotFound):
        world.models.remove_alias(
            ctx=editor, model_id=model_id, alias="champion", expected_version=None
        )


def test_metrics_are_recorded_and_read_by_time(world: RegistryWorld) -> None:
    editor = world.person("member")
    model_id = world.model(editor)
    start = world.clock.now() - timedelta(hours=3)
    for hours, auc in ((0, 0.9), (1, 0.8), (2, 0.7)):
        world.models.record_metrics(
            ctx=editor,
            model_id=model_id,
            number=1,
            values={"auc": auc},
            at=start + timedelta(hours=hours),
        )
    page = world.selector.metrics(
        ctx=editor,
        model_id=model_id,
        number=1,
        start=start + timedelta(hours=1),
        end=None,
        page=PageRequest(),
    )
    assert [p.values["auc"] for p in page.items] == [0.8, 0.7]
    with pytest.raises(ValidationFailed):
        world.models.record_metrics(
            ctx=editor,
            model_id=model_id,
            number=1,
            values={"auc": 1},
            at=start + timedelta(hours=3, minutes=6),
        )
    with pytest.raises(NotFound):
        world.models.record_metrics(ctx=editor, model_id=model_id, number=2, values={"auc": 1})


def test_lists_leave_out_projects_i_cannot_see(world: RegistryWorld) -> None:
    owner = world.person("owner", "admin")
    model_id = world.model(owner)
    stranger = world.person("member", None)
    assert world.selector.list(ctx=stranger, wanted=VersionFilter(), page=PageRequest()).items == []
    assert (
        world.selector.list(
            ctx=stranger, wanted=VersionFilter(status="pending"), page=PageRequest()
        ).items
        == []
    )
    with pytest.raises(NotFound):
        world.selector.list(
            ctx=stranger, wanted=VersionFilter(project_id=PROJECT), page=PageRequest()
        )
    mine = world.selector.list(
        ctx=owner, wanted=VersionFilter(status="pending"), page=PageRequest()
    )
    assert [(e.model, e.version.model_id if e.version else None) for e in mine.items] == [
        (None, model_id)
    ]
