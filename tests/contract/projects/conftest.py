"""The projects ports' two backends: the in-memory fakes, and the DynamoDB adapters over moto
in-process with the projects tables (and `system-logs` for the audit log and the outbox,
`organization-memberships` for the directory). Every test takes `projects` and runs once
against each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import decode_item
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.identity.audit_log import DynamoAuditLogReader
from adapters.dynamodb.identity.uow import DynamoIdentityUnitOfWork
from adapters.dynamodb.outbox import OUTBOX_SHARDS, OUTBOX_TABLE, event_from, outbox_partition
from adapters.dynamodb.projects.dashboard import DynamoDashboardReader
from adapters.dynamodb.projects.directory import DynamoOrgDirectory
from adapters.dynamodb.projects.uow import DynamoProjectsUnitOfWork
from domains.identity.model import Membership
from domains.identity.ports import AuditLogReader
from domains.projects.ports import DashboardReader, ProjectsUnitOfWork
from domains.projects.services.members import OrgDirectory
from domains.shared.events import DomainEvent
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.projects import (
    InMemoryDashboardReader,
    InMemoryOrgDirectory,
    InMemoryProjectsUnitOfWork,
    ProjectsStore,
)
from tests.fakes.settings import InMemoryAuditLogReader

TABLES = tuple(
    table_def(name)
    for name in (
        "workspaces",
        "projects",
        "workspace-memberships",
        "project-memberships",
        "system-logs",
        "organization-memberships",
    )
)
CURSOR_SECRET = b"projects-contract-cursor-secret-0123"


@dataclass(frozen=True)
class ProjectsBackend:
    """The ports over one store, and what a test needs to see beside them: who is in an
    organisation (`join`), and the events the outbox holds (`events`, oldest first)."""

    name: str
    uow: Callable[[], ProjectsUnitOfWork]
    dashboard: DashboardReader
    directory: OrgDirectory
    audit_log: AuditLogReader
    join: Callable[[str, str], None]
    events: Callable[[], list[DomainEvent]]


def _memory() -> ProjectsBackend:
    store, directory = ProjectsStore(), InMemoryOrgDirectory()
    return ProjectsBackend(
        "memory",
        lambda: InMemoryProjectsUnitOfWork(store),
        InMemoryDashboardReader(store),
        directory,
        InMemoryAuditLogReader(store),
        directory.join,
        lambda: list(store.events),
    )


def _outbox(client: DynamoClient) -> list[DomainEvent]:
    """Every event in the outbox: its items under `OUTBOX#<shard>` in `system-logs`."""
    events = []
    for shard in range(OUTBOX_SHARDS):
        found = client.query(
            OUTBOX_TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": outbox_partition(shard)}},
        )
        events += [event_from(decode_item(item)) for item in found["Items"]]
    return sorted(events, key=lambda e: (e.at, e.id))


def _dynamodb(client: DynamoClient) -> ProjectsBackend:
    cursors = CursorSigner(CURSOR_SECRET)

    def uow() -> DynamoProjectsUnitOfWork:
        return DynamoProjectsUnitOfWork(
            client, cursors=cursors, offloader=None, audit_retention_days=30
        )

    def join(org_id: str, user_id: str) -> None:
        identity = DynamoIdentityUnitOfWork(
            client, cursors=cursors, offloader=None, audit_retention_days=30
        )
        with identity:
            joined = datetime(2099, 1, 1, tzinfo=UTC)
            identity.memberships.add(Membership(org_id, user_id, "member", joined), count=False)
            identity.commit()

    return ProjectsBackend(
        "dynamodb",
        uow,
        DynamoDashboardReader(uow, sleep=lambda _: None),
        DynamoOrgDirectory(client),
        DynamoAuditLogReader(client, cursors=cursors),
        join,
        lambda: _outbox(client),
    )


@pytest.fixture(scope="module")
def moto_projects_tables() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="projects") as made:
        yield made


@pytest.fixture(params=["memory", "dynamodb"])
def projects(request: pytest.FixtureRequest) -> ProjectsBackend:
    if request.param == "memory":
        return _memory()
    boto, client = request.getfixturevalue("moto_projects_tables")
    empty_tables(boto, client, TABLES)
    return _dynamodb(client)
