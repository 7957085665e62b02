"""The datasets ports' two backends held to one behaviour: the in-memory fakes and the
DynamoDB repositories over moto in-process (`datasets`, and `system-logs` for the audit log
and the outbox). Every test runs once against each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.lab.datasets import DynamoDatasetsUnitOfWork
from domains.lab.datasets.model import Column, Dataset, DatasetUsage, DatasetVersion
from domains.lab.datasets.ports import DatasetsUnitOfWork
from domains.shared.errors import Conflict, DomainError, PreconditionFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.lab_datasets import DatasetStore, InMemoryDatasetsUnitOfWork

TABLES = tuple(table_def(n) for n in ("datasets", "system-logs"))
CURSOR_SECRET = b"datasets-contract-cursor-secret-0123"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ORG, OTHER_ORG, PROJECT = new_id(), new_id(), new_id()

Backend = Callable[[], DatasetsUnitOfWork]


@pytest.fixture(scope="module")
def moto_dataset_tables() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="datasets") as made:
        yield made


@pytest.fixture(params=["memory", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "memory":
        store = DatasetStore()
        memory: Any = lambda: InMemoryDatasetsUnitOfWork(store)  # noqa: E731
        return memory  # type: ignore[no-any-return]
    boto, client = request.getfixturevalue("moto_dataset_tables")
    empty_tables(boto, client, TABLES)
    cursors = CursorSigner(CURSOR_SECRET)
    dynamo: Any = lambda: DynamoDatasetsUnitOfWork(  # noqa: E731
        client, cursors=cursors, offloader=None, audit_retention_days=30
    )
    return dynamo  # type: ignore[no-any-return]


def a_dataset(name: str = "churn", *, org: str = ORG, at: datetime = T0, **changes: Any) -> Dataset:
    made = Dataset(
        org_id=org,
        id=new_id(),
        name=name,
        project_id=PROJECT,
        s3_uri="s3://data-lake/churn/",
        format="parquet",
        created_by="u1",
        created_at=at,
        updated_at=at,
        tags=frozenset({"churn"}),
        columns=(Column("tenure", "int64", "months"),),
        size_bytes=2**40,
        row_count=10,
    )
    return replace(made, **changes)


def a_version(dataset: Dataset, number: int) -> DatasetVersion:
    return DatasetVersion(
        org_id=dataset.org_id,
        dataset_id=dataset.id,
        number=number,
        project_id=dataset.project_id,
        s3_uri=f"s3://data-lake/churn/v{number}/",
        checksum="ab" * 32,
        created_by="u1",
        created_at=T0,
        size_bytes=None,
        row_count=number,
        columns=dataset.columns,
    )


def a_usage(dataset: Dataset, number: int, run_id: str) -> DatasetUsage:
    return DatasetUsage(
        org_id=dataset.org_id,
        dataset_id=dataset.id,
        number=number,
        run_id=run_id,
        experiment_id="e1",
        run_project_id=PROJECT,
        dataset_project_id=dataset.project_id,
        dataset_name=dataset.name,
        used_by="u1",
        used_at=T0,
        context="training",
    )


def stored(backend: Backend, *datasets: Dataset) -> None:
    with backend() as uow:
        for dataset in datasets:
            uow.datasets.add(dataset)
        uow.commit()


def test_a_dataset_round_trips_and_its_name_is_claimed(backend: Backend) -> None:
    dataset = a_dataset()
    stored(backend, dataset)
    with backend() as uow:
        assert uow.datasets.get(ORG, dataset.id) == replace(dataset, version=1)
        assert uow.datasets.get(OTHER_ORG, dataset.id) is None
    with pytest.raises(Conflict), backend() as uow:
        uow.datasets.add(a_dataset("CHURN"))
        uow.commit()
    stored(backend, a_dataset("CHURN", org=OTHER_ORG))  # another organisation's name


def test_lists_newest_first_with_filters_and_pages(backend: Backend) -> None:
    first, second = a_dataset("a"), a_dataset("b", at=T0 + timedelta(seconds=1))
    third = a_dataset("c", at=T0 + timedelta(seconds=2), tags=frozenset({"x"}))
    stored(backend, first, second, third)
    with backend() as uow:
        page = uow.datasets.list(ORG, page=PageRequest(limit=2))
        assert [d.id for d in page.items] == [third.id, second.id] and page.next_cursor
        rest = uow.datasets.list(ORG, page=PageRequest(limit=2, cursor=page.next_cursor))
        assert [d.id for d in rest.items] == [first.id] and rest.next_cursor is None
        tagged = uow.datasets.list(ORG, page=PageRequest(), tag="churn")
        assert [d.id for d in tagged.items] == [second.id, first.id]
        assert uow.datasets.list(ORG, page=PageRequest(), project_id=new_id()).items == []
        assert uow.datasets.list(OTHER_ORG, page=PageRequest()).items == []


def test_saves_are_versioned_and_deleting_frees_the_name(backend: Backend) -> None:
    dataset = a_dataset()
    stored(backend, dataset)
    with backend() as uow:
        uow.datasets.save(replace(dataset, version=1, row_count=3, updated_at=T0))
        uow.commit()
    with pytest.raises(PreconditionFailed), backend() as uow:
        uow.datasets.save(replace(dataset, version=1))
        uow.commit()
    with backend() as uow:
        uow.datasets.save(replace(dataset, version=2, row_count=3, deleted_at=T0))
        uow.commit()
    with backend() as uow:
        gone = uow.datasets.get(ORG, dataset.id)
        assert gone is not None and gone.deleted and gone.row_count == 3
        assert uow.datasets.list(ORG, page=PageRequest()).items == []
        assert uow.lineage.resolve(ORG, dataset.id) is None
    stored(backend, a_dataset("churn"))


def test_versions_are_immutable_and_listed_newest_first(backend: Backend) -> None:
    dataset = a_dataset()
    stored(backend, dataset)
    with backend() as uow:
        for n in (1, 2, 3):
            uow.versions.add(a_version(dataset, n))
        uow.commit()
    with pytest.raises(DomainError), backend() as uow:
        uow.versions.add(a_version(dataset, 2))
        uow.commit()
    with backend() as uow:
        assert uow.versions.get(ORG, dataset.id, 2) == replace(a_version(dataset, 2), version=1)
        assert uow.versions.get(OTHER_ORG, dataset.id, 2) is None
        page = uow.versions.list(ORG, dataset.id, page=PageRequest(limit=2))
        assert [v.number for v in page.items] == [3, 2] and page.next_cursor


def test_lineage_answers_from_both_ends(backend: Backend) -> None:
    churn, other = a_dataset("churn"), a_dataset("other")
    stored(backend, churn, other)
    run_a, run_b = sorted([new_id(), new_id()])
    with backend() as uow:
        assert uow.lineage.resolve(ORG, churn.id) == replace(churn, version=1)
        assert uow.lineage.resolve(OTHER_ORG, churn.id) is None
        for usage in (
            a_usage(churn, 2, run_a),
            a_usage(churn, 1, run_b),
            a_usage(churn, 1, run_a),
            a_usage(other, 1, run_a),
        ):
            uow.lineage.link(usage)
        uow.commit()
    with backend() as uow:  # the same item again: idempotent
        uow.lineage.link(replace(a_usage(churn, 1, run_a), context="eval"))
        uow.commit()
    with backend() as uow:
        runs = uow.lineage.runs(ORG, churn.id, number=None, page=PageRequest(limit=2))
        assert [(u.number, u.run_id) for u in runs.items] == [(1, run_a), (1, run_b)]
        assert runs.items[0].context == "eval" and runs.next_cursor
        more = uow.lineage.runs(
            ORG, churn.id, number=None, page=PageRequest(limit=2, cursor=runs.next_cursor)
        )
        assert [(u.number, u.run_id) for u in more.items] == [(2, run_a)]
        one = uow.lineage.runs(ORG, churn.id, number=2, page=PageRequest())
        assert [u.run_id for u in one.items] == [run_a]
        used = uow.lineage.used_by(ORG, run_a, page=PageRequest())
        expected = sorted([(churn.id, 1), (churn.id, 2), (other.id, 1)])
        assert [(u.dataset_id, u.number) for u in used.items] == expected
        assert replace(a_usage(churn, 1, run_a), context="eval") in used.items
        assert uow.lineage.used_by(OTHER_ORG, run_a, page=PageRequest()).items == []
