"""The model registry ports' two backends held to one behaviour: the in-memory fakes and the
DynamoDB repositories over moto in-process (`models`, `lab-model-registry`, and
`system-logs` for the audit log and the outbox). Every test runs once against each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import encode_item
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.lab.registry import DynamoRegistryUnitOfWork
from adapters.dynamodb.lab.tracking_keys import run_key
from domains.lab.registry.model import (
    DeploymentChange,
    MetricPoint,
    ModelAlias,
    ModelVersion,
    RegisteredModel,
    StagePointer,
)
from domains.lab.registry.ports import RegistryUnitOfWork, VersionFilter
from domains.shared.errors import Conflict, DomainError, PreconditionFailed, ValidationFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.lab_registry import InMemoryRegistryUnitOfWork, RegistryStore

TABLES = tuple(
    table_def(n) for n in ("models", "lab-model-registry", "experiment-runs", "system-logs")
)
CURSOR_SECRET = b"registry-contract-cursor-secret-0123"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ORG, OTHER_ORG, PROJECT = new_id(), new_id(), new_id()

Backend = Callable[[], RegistryUnitOfWork]


@pytest.fixture(scope="module")
def moto_registry_tables() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="registry") as made:
        yield made


@pytest.fixture(params=["memory", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each backend's `add_run(org, run)` makes a run the tracking side would have written."""
    if request.param == "memory":
        store = RegistryStore()
        memory: Any = lambda: InMemoryRegistryUnitOfWork(store)  # noqa: E731
        memory.add_run = lambda org, run: store.runs.add((org, run))
        return memory  # type: ignore[no-any-return]
    boto, client = request.getfixturevalue("moto_registry_tables")
    empty_tables(boto, client, TABLES)
    cursors = CursorSigner(CURSOR_SECRET)
    dynamo: Any = lambda: DynamoRegistryUnitOfWork(  # noqa: E731
        client, cursors=cursors, offloader=None, audit_retention_days=30
    )
    dynamo.add_run = lambda org, run: client.put_item(
        "experiment-runs", Item=encode_item({**run_key(org, run), "id": run})
    )
    return dynamo  # type: ignore[no-any-return]


def a_model(
    name: str = "churn",
    *,
    org: str = ORG,
    task: str = "classification",
    at: datetime = T0,
    project: str = PROJECT,
) -> RegisteredModel:
    return RegisteredModel(org, new_id(), name, task, "xgboost", project, "u1", at, at)


def a_version(model: RegisteredModel, number: int, **changes: Any) -> ModelVersion:
    made = ModelVersion(
        org_id=model.org_id,
        model_id=model.id,
        number=number,
        model_name=model.name,
        task=model.task,
        framework=model.framework,
        project_id=model.project_id,
        artifact_uri=f"s3://models/{model.name}/{number}",
        created_by="u1",
        created_at=T0,
        updated_at=T0 + timedelta(seconds=number),
        signature={"inputs": [{"name": "x", "type": "double", "at": "2026-01-01T00:00:00Z"}]},
        metrics={"auc": 0.91},
        history=(DeploymentChange("pending", T0, "u1"),),
    )
    return replace(made, **changes)


def stored(backend: Backend, *models: RegisteredModel, versions: int = 0) -> None:
    with backend() as uow:
        for model in models:
            uow.models.add(replace(model, latest_version=versions))
            for n in range(1, versions + 1):
                uow.versions.add(a_version(model, n))
        uow.commit()


def test_a_model_and_its_versions_read_back_whole(backend: Backend) -> None:
    model = a_model()
    stored(backend, model, versions=2)
    endpoint = {"url": "https://x.example/invoke", "replicas": 2, "instance_type": "ml.m5"}
    with backend() as uow:
        got = uow.models.get(ORG, model.id)
        assert got == replace(model, latest_version=2, version=1)
        first = uow.versions.get(ORG, model.id, 1, consistent=True)
        assert first == replace(a_version(model, 1), version=1)
        changed = first.deployed("deploying", at=T0, by="u2", endpoint=endpoint, note="go")
        uow.versions.save(changed)
        uow.commit()
    with backend() as uow:
        again = uow.versions.get(ORG, model.id, 1)
        assert again == replace(changed, version=2) and again.endpoint == endpoint
        assert uow.models.get(OTHER_ORG, model.id) is None
        page = uow.versions.list(ORG, model.id, page=PageRequest(1))
        rest = uow.versions.list(ORG, model.id, page=PageRequest(1, page.next_cursor))
    assert [v.number for v in [*page.items, *rest.items]] == [2, 1] and rest.next_cursor is None


def test_a_name_is_claimed_once_per_organisation(backend: Backend) -> None:
    stored(backend, a_model("Churn"))
    with backend() as uow, pytest.raises(Conflict):
        uow.models.add(a_model("CHURN"))
        uow.commit()
    stored(backend, a_model("churn", org=OTHER_ORG))


def test_a_model_is_read_by_its_name_in_any_case(backend: Backend) -> None:
    mine, theirs = a_model("Churn"), a_model("churn", org=OTHER_ORG)
    stored(backend, mine, theirs)
    with backend() as uow:
        assert uow.models.get_by_name(ORG, "CHURN") == replace(mine, version=1)
        assert uow.models.get_by_name(OTHER_ORG, "Churn") == replace(theirs, version=1)
        assert uow.models.get_by_name(ORG, "other") is None


def test_stale_writes_are_refused(backend: Backend) -> None:
    model = a_model()
    stored(backend, model, versions=1)
    with backend() as uow, pytest.raises(PreconditionFailed):
        uow.models.save(replace(model, version=7))
        uow.commit()
    with backend() as uow, pytest.raises(PreconditionFailed):
        uow.versions.save(replace(a_version(model, 1), version=3))
        uow.commit()
    with backend() as uow, pytest.raises(Conflict):
        uow.versions.add(a_version(model, 1))
        uow.commit()


def test_model_lists_by_organisation_project_and_task(backend: Backend) -> None:
    a = a_model("a", at=T0)
    b = a_model("b", task="ranking", at=T0 + timedelta(seconds=1))
    c = a_model("c", project=new_id(), at=T0 + timedelta(seconds=2))
    stored(backend, a, b, c, a_model("theirs", org=OTHER_ORG))
    with backend() as uow:
        first = uow.models.list(ORG, page=PageRequest(2))
        rest = uow.models.list(ORG, page=PageRequest(2, first.next_cursor))
        in_project = uow.models.list(ORG, page=PageRequest(10), project_id=PROJECT)
        ranking = uow.models.list(ORG, page=PageRequest(10), task="ranking")
        both = uow.models.list(ORG, page=PageRequest(10), project_id=PROJECT, task="ranking")
    assert [m.id for m in [*first.items, *rest.items]] == sorted([a.id, b.id, c.id])
    assert [m.id for m in in_project.items] == [b.id, a.id]
    assert [m.id for m in ranking.items] == [b.id] == [m.id for m in both.items]


def test_versions_found_by_run_project_status_and_stage(backend: Backend) -> None:
    model, run = a_model(), new_id()
    backend.add_run(ORG, run)  # type: ignore[attr-defined]
    with backend() as uow, pytest.raises(DomainError):  # one check of the run per transaction
        uow.versions.add(a_version(model, 1, source_run_id=run))
        uow.versions.add(a_version(model, 2, source_run_id=run))
        uow.commit()
    for version in (
        a_version(model, 1, source_run_id=run),
        a_version(model, 2, stage="staging", source_run_id=run),
        a_version(model, 3, stage="staging", deployment_status="deployed"),
    ):
        with backend() as uow:
            uow.versions.add(version)
            uow.commit()

    def numbers(**wanted: Any) -> list[int]:
        with backend() as uow:
            found = uow.versions.find(ORG, VersionFilter(**wanted), page=PageRequest(10))
        return [v.number for v in found.items]

    assert numbers(run_id=run) == [1, 2]
    assert numbers(stage="staging") == [3, 2]
    assert numbers(status="pending") == [2, 1]
    assert numbers(status="pending", stage="staging") == [2]
    assert numbers(project_id=PROJECT, status="deployed") == [3]
    assert numbers(run_id=run, stage="staging") == [2]
    assert numbers(stage="staging", task="ranking") == []
    with backend() as uow:
        assert (
            uow.versions.find(OTHER_ORG, VersionFilter(run_id=run), page=PageRequest(5)).items == []
        )


def test_the_pointer_moves_only_from_what_was_read(backend: Backend) -> None:
    model = a_model()

    def pointer(number: int, version: int = 0) -> StagePointer:
        return StagePointer(ORG, model.id, "production", number, T0, version)

    with backend() as uow:
        assert uow.stages.get(ORG, model.id, "production") is None
        uow.stages.move(pointer(1), previous=None)
        uow.commit()
    with backend() as uow, pytest.raises(Conflict):
        uow.stages.move(pointer(2), previous=None)
        uow.commit()
    with backend() as uow:
        held = uow.stages.get(ORG, model.id, "production")
        assert held == pointer(1, 1)
        uow.stages.move(pointer(2, 1), previous=held)
        uow.commit()
    with backend() as uow, pytest.raises(Conflict):
        uow.stages.move(pointer(3, 1), previous=held)
        uow.commit()
    with backend() as uow, pytest.raises(Conflict):
        uow.stages.remove(held)
        uow.commit()
    with backend() as uow:
        now = uow.stages.get(ORG, model.id, "production")
        assert now == pointer(2, 2)
        uow.stages.remove(now)
        uow.commit()
    with backend() as uow:
        assert uow.stages.get(ORG, model.id, "production") is None


def test_aliases_are_put_moved_and_removed(backend: Backend) -> None:
    model = a_model()
    alias = ModelAlias(ORG, model.id, "champion", 1, "u1", T0)
    with backend() as uow:
        uow.aliases.put(alias)
        uow.aliases.put(replace(alias, alias="challenger", number=2))
        uow.commit()
    with backend() as uow, pytest.raises(Conflict):
        uow.aliases.put(alias)
        uow.commit()
    with backend() as uow:
        uow.aliases.put(replace(alias, number=2, version=1))
        uow.commit()
    with backend() as uow, pytest.raises(PreconditionFailed):
        uow.aliases.remove(replace(alias, version=1))
        uow.commit()
    with backend() as uow:
        assert [(a.alias, a.number) for a in uow.aliases.list(ORG, model.id)] == [
            ("challenger", 2),
            ("champion", 2),
        ]
        champion = uow.aliases.get(ORG, model.id, "champion")
        assert champion is not None
        uow.aliases.remove(champion)
        uow.commit()
    with backend() as uow:
        assert [a.alias for a in uow.aliases.list(ORG, model.id)] == ["challenger"]


def test_metric_points_by_version_and_time(backend: Backend) -> None:
    model = a_model()

    def point(number: int, hours: int, auc: float) -> MetricPoint:
        return MetricPoint(
            ORG, model.id, number, new_id(), T0 + timedelta(hours=hours), {"auc": auc}, "u1"
        )

    points = [point(1, 0, 0.9), point(1, 1, 0.8), point(1, 2, 0.7), point(2, 1, 0.95)]
    with backend() as uow:
        for p in points:
            uow.metrics.add(p)
        uow.commit()

    def aucs(
        number: int | None, start: int | None, end: int | None, limit: int = 10
    ) -> list[float]:
        frm = T0 + timedelta(hours=start) if start is not None else None
        to = T0 + timedelta(hours=end) if end is not None else None
        values: list[float] = []
        cursor = None
        with backend() as uow:
            while True:
                page = uow.metrics.list(
                    ORG, model.id, number=number, start=frm, end=to, page=PageRequest(limit, cursor)
                )
                values += [p.values["auc"] for p in page.items]
                if not (cursor := page.next_cursor):
                    return values

    assert aucs(1, None, None) == [0.9, 0.8, 0.7]
    assert aucs(1, 1, 2) == [0.8, 0.7] == aucs(1, 1, None, limit=1)
    assert aucs(1, None, 1) == [0.9, 0.8]
    assert aucs(None, 1, None) == [0.8, 0.7, 0.95]
    assert aucs(None, None, None, limit=3) == [0.9, 0.8, 0.7, 0.95]
    assert aucs(2, 2, None) == []
    with backend() as uow:
        stored_point = uow.metrics.list(
            ORG, model.id, number=2, start=None, end=None, page=PageRequest(5)
        )
    assert stored_point.items == [points[3]]


def test_a_source_run_must_be_a_run_of_the_organisation(backend: Backend) -> None:
    model, theirs, ours = a_model(), new_id(), new_id()
    backend.add_run(OTHER_ORG, theirs)  # type: ignore[attr-defined]
    backend.add_run(ORG, ours)  # type: ignore[attr-defined]
    stored(backend, model)
    for run in (new_id(), theirs):
        with backend() as uow, pytest.raises(ValidationFailed):
            uow.versions.add(a_version(model, 1, source_run_id=run))
            uow.commit()
    with backend() as uow:
        assert uow.versions.get(ORG, model.id, 1) is None
        uow.versions.add(a_version(model, 1, source_run_id=ours))
        uow.commit()
    with backend() as uow:
        found = uow.versions.find(ORG, VersionFilter(run_id=ours), page=PageRequest(5))
    assert [v.source_run_id for v in found.items] == [ours]
