"""The tracking ports' two backends: the in-memory fakes, and the DynamoDB adapters over moto
in-process (with `system-logs` for the audit log and the outbox). Every test takes
`tracking` and runs once against each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.lab.tracking import DynamoTrackingUnitOfWork
from adapters.dynamodb.lab.tracking_metrics import DynamoMetricStore
from domains.lab.tracking.ports import MetricStore, TrackingUnitOfWork
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.tracking import InMemoryMetricStore, InMemoryTrackingUnitOfWork, TrackingStore

NAMES = ("experiments", "experiment-runs", "metrics-timeseries", "system-logs")
TABLES = tuple(table_def(n) for n in NAMES)
CURSOR_SECRET = b"tracking-contract-cursor-secret-0123"


@dataclass
class Backend:
    uow: Callable[[], TrackingUnitOfWork]
    metrics: MetricStore
    client: DynamoClient | None = None


@pytest.fixture(scope="module")
def moto_tracking_tables() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="tracking") as made:
        yield made


@pytest.fixture(params=["memory", "dynamodb"])
def tracking(request: pytest.FixtureRequest) -> Backend:
    if request.param == "memory":
        store = TrackingStore()
        return Backend(lambda: InMemoryTrackingUnitOfWork(store), InMemoryMetricStore())
    boto, client = request.getfixturevalue("moto_tracking_tables")
    empty_tables(boto, client, TABLES)
    cursors = CursorSigner(CURSOR_SECRET)
    return Backend(
        lambda: DynamoTrackingUnitOfWork(
            client, cursors=cursors, offloader=None, audit_retention_days=30
        ),
        DynamoMetricStore(client),
        client,
    )
