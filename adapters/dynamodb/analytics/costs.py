"""The cost report's reader over `aggregated-analytics`: the flushed units, priced.

Queries only: an organisation's items are one partition (`ORG#<org>#COST`, sk
`<day>#<table>`); the staff report reads the month index (`COSTMONTH#<yyyy-mm>`, sk
`<day>#<table>`), one Query (and its pages) per month of the range.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from boto3.dynamodb.conditions import Key

from adapters.dynamodb.aggregated_keys import (
    AGGREGATES_TABLE,
    COST_MONTH_INDEX,
    DAY_END,
    cost_month_partition,
    cost_org_partition,
)
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cost import DEFAULT_PRICES, Prices, request_usd, storage_usd_per_day
from adapters.dynamodb.reading import query_request
from domains.analytics.services.costs import CostDay

Wire = dict[str, Any]


def months(first: date, last: date) -> list[str]:
    """`yyyy-mm` of every month from `first` to `last`."""
    found, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


class DynamoCostReader:
    def __init__(self, client: DynamoClient, *, prices: Prices = DEFAULT_PRICES) -> None:
        self._client = client
        self._prices = prices

    def _query(self, condition: Any, index: str | None) -> Iterator[Wire]:
        request = query_request(
            condition, index=index, scan_forward=True, filter=None, consistent=index is None
        )
        while True:
            page = self._client.query(AGGREGATES_TABLE, **request)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            request = {**request, "ExclusiveStartKey": page["LastEvaluatedKey"]}

    def _day(self, item: Wire, *, storage: bool) -> CostDay:
        read, write = float(item["read_units"]["N"]), float(item["write_units"]["N"])
        size = int(item["table_bytes"]["N"]) if storage and "table_bytes" in item else None
        return CostDay(
            table=item["table"]["S"],
            day=item["day"]["S"],
            read_units=read,
            write_units=write,
            request_usd=request_usd(read, write, self._prices),
            storage_bytes=size,
            storage_usd=storage_usd_per_day(size, self._prices) if size else 0.0,
        )

    def org_days(self, org_id: str, first: date, last: date) -> list[CostDay]:
        condition = Key("pk").eq(cost_org_partition(org_id)) & Key("sk").between(
            first.isoformat(), last.isoformat() + DAY_END
        )
        return [self._day(item, storage=False) for item in self._query(condition, None)]

    def platform_days(self, first: date, last: date) -> list[CostDay]:
        days: list[CostDay] = []
        for month in months(first, last):
            condition = Key("gsi1pk").eq(cost_month_partition(month)) & Key("gsi1sk").between(
                first.isoformat(), last.isoformat() + DAY_END
            )
            days += [self._day(i, storage=True) for i in self._query(condition, COST_MONTH_INDEX)]
        return days
