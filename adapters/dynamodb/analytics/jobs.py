"""The roll-up jobs' whole-table read: which organisations had activity in a window.

A paginated Scan of `activity-feed` (ids are ULIDs, so a window is a BETWEEN over `sk`),
keeping only `org_id`: it reads the whole table, so only the recompute command calls it,
never a request. The beat task needs none: the feed's consumer marks the hours it touches.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr

from adapters.dynamodb.analytics.feed import feed_ids
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.reading import scan_request

FEED_TABLE = "activity-feed"


class DynamoActiveOrganisations:
    """The `ActiveOrganisations` port."""

    def __init__(self, client: DynamoClient) -> None:
        self._client = client

    def orgs_between(self, start: datetime, end: datetime) -> set[str]:
        request = scan_request(Attr("sk").between(*feed_ids(start, end)), consistent=False)
        request["ProjectionExpression"] = "org_id"
        found: set[str] = set()
        start_key: dict[str, Any] | None = None
        while True:
            extra = {"ExclusiveStartKey": start_key} if start_key else {}
            response = self._client.scan(FEED_TABLE, **request, **extra)
            found.update(item["org_id"]["S"] for item in response.get("Items", []))
            start_key = response.get("LastEvaluatedKey")
            if not start_key:
                return found
