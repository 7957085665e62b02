"""The identity ports' two backends: the in-memory fakes, and the DynamoDB adapters over moto
in-process with the identity tables created from the catalog. Every test takes `identity`
and runs once against each.

Creating seven tables in moto costs about 0.3 s, so they are created when missing and
emptied before each test instead (a Scan and a few batch deletes of what the last test wrote).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from moto import mock_aws

from adapters.dynamodb.bootstrap import create_missing
from adapters.dynamodb.catalog import TableDef, table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.identity.audit_log import DynamoAuditLogReader
from adapters.dynamodb.identity.uow import DynamoIdentityUnitOfWork
from adapters.dynamodb.recorder import CallRecorder
from adapters.dynamodb.session import make_boto_client
from domains.identity.ports import AuditLogReader, IdentityUnitOfWork
from domains.shared.clock import SystemClock
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
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-2",
}


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


def _empty(boto: Any, name: str, table: TableDef) -> None:
    """Delete every item of a table: Scan its keys, then batch deletes of 25."""
    names = {"#h": table.hash_key, "#r": table.range_key}
    request: dict[str, Any] = {"TableName": name, "ProjectionExpression": "#h, #r"}
    while True:
        response = boto.scan(**request, ExpressionAttributeNames=names)
        items = response["Items"]
        for start in range(0, len(items), 25):
            deletes = [{"DeleteRequest": {"Key": item}} for item in items[start : start + 25]]
            boto.batch_write_item(RequestItems={name: deletes})
        if "LastEvaluatedKey" not in response:
            return
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


@pytest.fixture(scope="module")
def moto_identity_tables() -> Iterator[tuple[Any, DynamoClient]]:
    """moto in-process for one module. Its state is kept when the module ends (and wiped by
    the next `mock_aws` that starts with a reset), so the tables are made once a session."""
    moto = mock_aws()
    with pytest.MonkeyPatch.context() as env:
        for name, value in AWS_ENV.items():
            env.setenv(name, value)
        moto.start(reset=False)
        try:
            boto = make_boto_client("dynamodb", region=AWS_ENV["AWS_DEFAULT_REGION"])
            client = DynamoClient(
                boto, prefix="ctest", environment="identity", is_aws=False, recorder=CallRecorder()
            )
            create_missing(client, list(TABLES))
            yield boto, client
        finally:
            moto.stop(remove_data=False)


@pytest.fixture(params=["memory", "dynamodb"])
def identity(request: pytest.FixtureRequest) -> IdentityBackend:
    if request.param == "memory":
        return _memory()
    boto, client = request.getfixturevalue("moto_identity_tables")
    for table in TABLES:
        _empty(boto, client.name(table.logical_name), table)
    return _dynamodb(client)
