"""The agents ports' two backends: the in-memory fakes, and the DynamoDB adapters over moto
in-process (with `system-logs` for the audit log and the outbox). Every test takes `agents`
and runs once against each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from adapters.dynamodb.agents.uow import DynamoAgentsUnitOfWork
from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from domains.agents.ports import AgentsUnitOfWork
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.agents import AgentsStore, InMemoryAgentsUnitOfWork

TABLES = tuple(
    table_def(n)
    for n in ("agents", "agent-flows", "flow-node-configs", "agent-versions", "system-logs")
)
CURSOR_SECRET = b"agents-contract-cursor-secret-012345"


@pytest.fixture(scope="module")
def moto_agents_tables() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="agents") as made:
        yield made


@pytest.fixture(params=["memory", "dynamodb"])
def agents(request: pytest.FixtureRequest) -> Callable[[], AgentsUnitOfWork]:
    if request.param == "memory":
        store = AgentsStore()
        return lambda: InMemoryAgentsUnitOfWork(store)
    boto, client = request.getfixturevalue("moto_agents_tables")
    empty_tables(boto, client, TABLES)
    cursors = CursorSigner(CURSOR_SECRET)
    return lambda: DynamoAgentsUnitOfWork(
        client, cursors=cursors, offloader=None, audit_retention_days=30
    )
