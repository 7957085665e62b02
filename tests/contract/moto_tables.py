"""moto in-process with a context's tables, made once and emptied between tests.

Creating tables in moto costs about 50 ms each, so a contract suite creates its tables when
missing, keeps moto's state for a module, and empties the tables before each test instead
(a Scan and a few batch deletes of what the last test wrote).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from moto import mock_aws

from adapters.dynamodb.bootstrap import create_missing
from adapters.dynamodb.catalog import TableDef
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.recorder import CallRecorder
from adapters.dynamodb.session import make_boto_client

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-2",
}


def empty_table(boto: Any, name: str, table: TableDef) -> None:
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


def empty_tables(boto: Any, client: DynamoClient, tables: Sequence[TableDef]) -> None:
    for table in tables:
        empty_table(boto, client.name(table.logical_name), table)


@contextmanager
def moto_tables(
    tables: Sequence[TableDef], *, environment: str
) -> Iterator[tuple[Any, DynamoClient]]:
    """moto in-process with `tables` (named `ctest-<environment>-<table>`). Its state is kept
    when the block ends (and wiped by the next `mock_aws` that starts with a reset), so the
    tables are made once a session."""
    moto = mock_aws()
    with pytest.MonkeyPatch.context() as env:
        for name, value in AWS_ENV.items():
            env.setenv(name, value)
        moto.start(reset=False)
        try:
            boto = make_boto_client("dynamodb", region=AWS_ENV["AWS_DEFAULT_REGION"])
            client = DynamoClient(
                boto, prefix="ctest", environment=environment, is_aws=False, recorder=CallRecorder()
            )
            create_missing(client, list(tables))
            yield boto, client
        finally:
            moto.stop(remove_data=False)
