"""Datasets' use cases on the in-memory fakes: names unique per organisation, versions
numbered under the dataset's version with validated checksums, metadata updates (If-Match),
soft deletion freeing the name, who may do each, audit and events; and the lineage hook a
run's transaction calls (tracking's runs service over its fake unit of work)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from domains.lab.datasets.lineage import version_number
from domains.lab.datasets.model import Column, VersionDraft
from domains.lab.datasets.selectors import DatasetSelector
from domains.lab.datasets.services import DatasetService
from domains.lab.tracking.model import DatasetUse
from domains.shared.clock import FixedClock
from domains.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.lab_datasets import DatasetStore, InMemoryDatasetsUnitOfWork
from tests.fakes.lab_registry import FixedProjectAccess
from tests.unit.lab.tracking_world import ORG as TRACKING_ORG
from tests.unit.lab.tracking_world import PROJECT as TRACKING_PROJECT
from tests.unit.lab.tracking_world import TrackingWorld

ORG, PROJECT = TRACKING_ORG, new_id()  # one organisation, where runs use datasets
SHA = "0f" * 32
DRAFT = VersionDraft("s3://data-lake/churn/v1/", SHA, size_bytes=10, row_count=2)


@dataclass
class DatasetWorld:
    store: DatasetStore = field(default_factory=DatasetStore)
    clock: FixedClock = field(default_factory=FixedClock)
    access: FixedProjectAccess = field(default_factory=FixedProjectAccess)

    def __post_init__(self) -> None:
        def uow() -> InMemoryDatasetsUnitOfWork:
            return InMemoryDatasetsUnitOfWork(self.store)

        self.service = DatasetService(uow=uow, clock=self.clock, projects=self.access)  # type: ignore[arg-type]
        self.selector = DatasetSelector(uow=uow, projects=self.access)  # type: ignore[arg-type]

    def person(self, role: str, project_role: str | None = "editor") -> TenantContext:
        ctx = TenantContext(ORG, Principal(f"{role}-{new_id()}"), role, permissions_for(role))
        if project_role:
            self.access.roles[(ctx.principal.user_id, PROJECT)] = project_role
        return ctx

    def dataset(self, ctx: TenantContext, name: str = "churn") -> str:
        made = self.service.register(
            ctx=ctx,
            name=name,
            project_id=PROJECT,
            s3_uri="s3://data-lake/churn/",
            format="parquet",
            tags=["Churn"],
            columns=[Column("tenure", "int64")],
        )
        return made.id


@pytest.fixture
def world() -> DatasetWorld:
    return DatasetWorld()


def test_register_claims_the_name_and_records_the_change(world: DatasetWorld) -> None:
    editor = world.person("member")
    dataset_id = world.dataset(editor)
    stored = world.store.datasets[(ORG, dataset_id)]
    assert stored.tags == {"churn"} and stored.version == 1 and stored.latest_version == 0
    assert [e.name for e in world.store.events] == ["DatasetRegistered"]
    assert [a.action for a in world.store.audit] == ["dataset.register"]
    with pytest.raises(Conflict):
        world.dataset(editor, name="CHURN")
    assert len(world.store.datasets) == 1


def test_versions_are_numbered_and_checked(world: DatasetWorld) -> None:
    editor = world.person("member")
    dataset_id = world.dataset(editor)
    _, first = world.service.add_version(ctx=editor, dataset_id=dataset_id, draft=DRAFT)
    upper = replace(DRAFT, checksum="sha256:" + SHA.upper(), columns=())
    dataset, second = world.service.add_version(
        ctx=editor, dataset_id=dataset_id, draft=upper, expected_version=2
    )
    assert (first.number, second.number, dataset.latest_version, dataset.version) == (1, 2, 2, 3)
    assert first.columns == (Column("tenure", "int64"),) and second.columns == ()
    assert second.checksum == SHA
    with pytest.raises(PreconditionFailed):
        world.service.add_version(
            ctx=editor, dataset_id=dataset_id, draft=DRAFT, expected_version=2
        )
    for bad in (replace(DRAFT, checksum="xyz"), replace(DRAFT, s3_uri="file:///tmp/x")):
        with pytest.raises(ValidationFailed):
            world.service.add_version(ctx=editor, dataset_id=dataset_id, draft=bad)
    assert [e.name for e in world.store.events][-2:] == ["DatasetVersionAdded"] * 2
    page = world.selector.versions(ctx=editor, dataset_id=dataset_id, page=PageRequest(limit=1))
    assert [v.number for v in page.items] == [2] and page.next_cursor


def test_update_and_soft_delete(world: DatasetWorld) -> None:
    editor = world.person("member")
    dataset_id = world.dataset(editor)
    changed = world.service.update(
        ctx=editor, dataset_id=dataset_id, expected_version=1, row_count=7, tags=["a"]
    )
    assert changed.row_count == 7 and changed.tags == {"a"} and changed.version == 2
    assert changed.format == "parquet"
    with pytest.raises(PreconditionFailed):
        world.service.update(ctx=editor, dataset_id=dataset_id, expected_version=1, row_count=1)
    world.service.delete(ctx=editor, dataset_id=dataset_id, expected_version=2)
    with pytest.raises(NotFound):
        world.selector.get(ctx=editor, dataset_id=dataset_id)
    assert world.selector.list(ctx=editor, page=PageRequest()).items == []
    assert world.dataset(editor) != dataset_id  # the name is free again
    assert [a.action for a in world.store.audit][-3:] == [
        "dataset.update",
        "dataset.delete",
        "dataset.register",
    ]


def test_roles_decide_who_writes(world: DatasetWorld) -> None:
    editor, viewer = world.person("member"), world.person("member", "viewer")
    outsider, org_viewer = world.person("member", None), world.person("viewer", "editor")
    dataset_id = world.dataset(editor)
    with pytest.raises(Forbidden):
        world.service.add_version(ctx=viewer, dataset_id=dataset_id, draft=DRAFT)
    with pytest.raises(Forbidden):  # the organisation's viewers have no model:write
        world.service.update(ctx=org_viewer, dataset_id=dataset_id, expected_version=None)
    with pytest.raises(NotFound):
        world.selector.get(ctx=outsider, dataset_id=dataset_id)
    assert world.selector.get(ctx=viewer, dataset_id=dataset_id).id == dataset_id
    assert world.selector.list(ctx=outsider, page=PageRequest()).items == []


def test_version_numbers_of_runs() -> None:
    assert [version_number(v) for v in ("3", "v12", "0", "abc", "123456789")] == [
        3,
        12,
        None,
        None,
        None,
    ]


def test_a_run_recording_a_registered_version_writes_lineage() -> None:
    """The tracking service's hook: uses of registered versions get lineage items in the
    run's transaction; others stay on the run only."""
    world = DatasetWorld()
    editor = world.person("member")
    dataset_id = world.dataset(editor)
    world.service.add_version(ctx=editor, dataset_id=dataset_id, draft=DRAFT)
    tracking = TrackingWorld()
    tracking.store.datasets = dict(world.store.datasets)  # the `datasets` table, shared
    runner = tracking.person("editor")
    exp = tracking.experiments.create(ctx=runner, project_id=TRACKING_PROJECT, name="e")
    uses = [
        DatasetUse(dataset_id, "1", "training"),
        DatasetUse(dataset_id, "2"),  # no version 2
        DatasetUse(new_id(), "1"),  # not registered
    ]
    run = tracking.runs.create(ctx=runner, experiment_id=exp.id, datasets=uses)
    assert len(run.datasets) == 3
    assert list(tracking.store.usages) == [(ORG, dataset_id, 1, run.id)]
    usage = tracking.store.usages[(ORG, dataset_id, 1, run.id)]
    assert (usage.context, usage.experiment_id, usage.run_project_id) == (
        "training",
        exp.id,
        TRACKING_PROJECT,
    )
    assert usage.dataset_project_id == PROJECT and usage.dataset_name == "churn"
    updated = tracking.runs.update(
        ctx=runner,
        run_id=run.id,
        expected_version=None,
        datasets=[DatasetUse(dataset_id, "v1", "eval")],
    )
    assert len(updated.datasets) == 4 and len(tracking.store.usages) == 1
    assert tracking.store.usages[(ORG, dataset_id, 1, run.id)].context == "eval"
    # the other end: lineage read by the datasets' selectors
    world.store.usages = dict(tracking.store.usages)
    world.access.roles[(editor.principal.user_id, TRACKING_PROJECT)] = "viewer"
    _, lineage = world.selector.lineage(
        ctx=editor, dataset_id=dataset_id, number=None, page=PageRequest()
    )
    assert [(u.number, u.run_id) for u in lineage.items] == [(1, run.id)]
    used = world.selector.list(ctx=editor, page=PageRequest(), run_id=run.id)
    assert [(e.dataset.id, e.used.number if e.used else 0) for e in used.items] == [(dataset_id, 1)]
    stranger = world.person("member")
    world.access.roles.pop((stranger.principal.user_id, PROJECT))
    assert world.selector.list(ctx=stranger, page=PageRequest(), run_id=run.id).items == []
