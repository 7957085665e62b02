"""The prompts library ports' two backends: the in-memory fakes, and the DynamoDB
repositories over moto in-process (`prompts-library`, and `system-logs` for the audit log
and the outbox). Every test takes `backend` and runs once against each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from adapters.dynamodb.agents.prompts import DynamoPromptsUnitOfWork
from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from domains.agents.prompts.ports import PromptsUnitOfWork
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.prompts import InMemoryPromptsUnitOfWork, PromptsStore

TABLES = tuple(table_def(name) for name in ("prompts-library", "system-logs"))
CURSOR_SECRET = b"prompts-contract-cursor-secret-0123"

Backend = Callable[[], PromptsUnitOfWork]


@pytest.fixture(scope="module")
def moto_prompts_tables() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="prompts") as made:
        yield made


@pytest.fixture(params=["memory", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "memory":
        store = PromptsStore()
        return lambda: InMemoryPromptsUnitOfWork(store)
    boto, client = request.getfixturevalue("moto_prompts_tables")
    empty_tables(boto, client, TABLES)
    cursors = CursorSigner(CURSOR_SECRET)
    return lambda: DynamoPromptsUnitOfWork(
        client, cursors=cursors, offloader=None, audit_retention_days=30
    )
