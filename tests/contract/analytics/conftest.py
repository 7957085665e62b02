"""The feed port's two backends: the in-memory fake, and the DynamoDB adapter over moto
in-process with `activity-feed`. Every test takes `feed` and runs once against each."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapters.dynamodb.analytics.feed import DynamoActivityFeedRepository
from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from domains.analytics.ports import ActivityFeedRepository
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.analytics import InMemoryActivityFeed

TABLES = (table_def("activity-feed"),)
CURSOR_SECRET = b"analytics-contract-cursor-secret-01"


@pytest.fixture(scope="module")
def moto_feed_table() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="analytics") as made:
        yield made


@pytest.fixture(params=["memory", "dynamodb"])
def feed(request: pytest.FixtureRequest) -> ActivityFeedRepository:
    if request.param == "memory":
        return InMemoryActivityFeed()
    boto, client = request.getfixturevalue("moto_feed_table")
    empty_tables(boto, client, TABLES)
    return DynamoActivityFeedRepository(client, cursors=CursorSigner(CURSOR_SECRET))
