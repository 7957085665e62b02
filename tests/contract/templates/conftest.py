"""The templates marketplace ports' two backends: the in-memory fakes, and the DynamoDB
repositories over moto in-process (`agent-templates`, `flow-templates`, and `system-logs`
for the audit log and the outbox). Every test takes `backend` and runs once against each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from adapters.dynamodb.agents.templates_uow import DynamoTemplatesUnitOfWork
from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from domains.agents.templates.ports import TemplatesUnitOfWork
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.templates import InMemoryTemplatesUnitOfWork, TemplatesStore

TABLES = tuple(table_def(name) for name in ("agent-templates", "flow-templates", "system-logs"))
CURSOR_SECRET = b"templates-contract-cursor-secret-01"

Backend = Callable[[], TemplatesUnitOfWork]


@pytest.fixture(scope="module")
def moto_templates_tables() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="templates") as made:
        yield made


@pytest.fixture(params=["memory", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "memory":
        store = TemplatesStore()
        return lambda: InMemoryTemplatesUnitOfWork(store)
    boto, client = request.getfixturevalue("moto_templates_tables")
    empty_tables(boto, client, TABLES)
    cursors = CursorSigner(CURSOR_SECRET)
    return lambda: DynamoTemplatesUnitOfWork(
        client, cursors=cursors, offloader=None, audit_retention_days=30
    )
