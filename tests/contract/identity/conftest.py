"""The identity ports' two backends: the in-memory fakes, and the DynamoDB adapters over moto
in-process with the identity tables created from the catalog. Every test takes `identity`
and runs once against each.

The tables are made once and emptied before each test (see tests/contract/moto_tables.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.identity.audit_log import DynamoAuditLogReader
from adapters.dynamodb.identity.uow import DynamoIdentityUnitOfWork
from domains.identity.ports import AuditLogReader, IdentityUnitOfWork
from domains.shared.clock import SystemClock
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.identity import InMemoryIdentityUnitOfWork, Store
from tests.fakes.settings import InMemoryAuditLogReader

TABLES = tuple(
    table_def(name)
    for name in (
        "user-profiles",
        "organization-data",
        "organization-memberships",
        "user-sessions",
        "application-settings",
        "system-logs",
        "user-content-metadata",
    )
)
CURSOR_SECRET = b"identity-contract-cursor-secret-0123"


@dataclass(frozen=True)
class IdentityBackend:
    """A unit-of-work factory and the audit reader over the same store."""

    name: str
    uow: Callable[[], IdentityUnitOfWork]
    audit_log: AuditLogReader


def _memory() -> IdentityBackend:
    store = Store(clock=SystemClock())  # the wall clock, like the adapters' TTL filter
    return IdentityBackend(
        "memory", lambda: InMemoryIdentityUnitOfWork(store), InMemoryAuditLogReader(store)
    )


def _dynamodb(client: DynamoClient) -> IdentityBackend:
    cursors = CursorSigner(CURSOR_SECRET)

    def uow() -> IdentityUnitOfWork:
        return DynamoIdentityUnitOfWork(
            client, cursors=cursors, offloader=None, audit_retention_days=30
        )

    return IdentityBackend("dynamodb", uow, DynamoAuditLogReader(client, cursors=cursors))


@pytest.fixture(scope="module")
def moto_identity_tables() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="identity") as made:
        yield made


@pytest.fixture(params=["memory", "dynamodb"])
def identity(request: pytest.FixtureRequest) -> IdentityBackend:
    if request.param == "memory":
        return _memory()
    boto, client = request.getfixturevalue("moto_identity_tables")
    empty_tables(boto, client, TABLES)
    return _dynamodb(client)
