"""The execution history ports' two backends: the in-memory fakes (with the real clock, so
expiry is judged as the store judges it), and the DynamoDB repository over moto in-process
(`agent-execution-history`, `agents`, and `system-logs` for the audit log and the outbox).
Every test takes `backend` and runs once against each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from adapters.dynamodb.agents.runs import DynamoRunsUnitOfWork
from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from domains.agents.runs.ports import RunsUnitOfWork
from domains.shared.clock import SystemClock
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.runs import InMemoryRunsUnitOfWork, RunsStore

TABLES = tuple(table_def(n) for n in ("agent-execution-history", "agents", "system-logs"))
CURSOR_SECRET = b"runs-contract-cursor-secret-0123456"

Backend = Callable[[], RunsUnitOfWork]


@pytest.fixture(scope="module")
def moto_runs_tables() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="runs") as made:
        yield made


@pytest.fixture(params=["memory", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "memory":
        store = RunsStore(clock=SystemClock())
        return lambda: InMemoryRunsUnitOfWork(store)
    boto, client = request.getfixturevalue("moto_runs_tables")
    empty_tables(boto, client, TABLES)
    cursors = CursorSigner(CURSOR_SECRET)
    return lambda: DynamoRunsUnitOfWork(
        client, cursors=cursors, offloader=None, audit_retention_days=30
    )
