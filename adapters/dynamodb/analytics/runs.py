"""The runs the execution roll-ups read, from `agent-execution-history` by its gsi2: an
organisation's runs of a UTC day (`ORG#<org_id>#DAY#<yyyy-mm-dd>`), sorted by
`<started_at>#<run_id>` (started_at as ISO 8601 UTC with milliseconds and a Z).

One Query per day the window touches, paginated, bounded to the window by its sort key
(BETWEEN `<start>` and `<end>`: a run starting exactly at `end` sorts after `<end>`, so
[start, end) exactly) and checked again on each item's `started_at`. Only the attributes
roll-ups need are projected. A global index has no consistent reads: the roll-up of an hour
is made on the beat tick after the run's event was relayed, by when the run is indexed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Key

from adapters.dynamodb.agents.run_keys import day_partition
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import decode_item
from adapters.dynamodb.reading import query_request
from domains.analytics.execution import RunFact
from domains.shared.clock import isoformat, parse_iso

RUNS_TABLE = "agent-execution-history"
DAY_INDEX = "gsi2"
FIELDS = (
    "run_id",
    "agent_id",
    "user_id",
    "status",
    "started_at",
    "duration_ms",
    "tokens_in",
    "tokens_out",
    "cost",
    "model",
    "agent_version",
    "version",
)


def _days(start: datetime, end: datetime) -> list[datetime]:
    day = start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    found = []
    while day < end:
        found.append(day)
        day += timedelta(days=1)
    return found


def _time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else parse_iso(str(value))


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def run_fact(item: dict[str, Any]) -> RunFact:
    """A run item as roll-ups see it: `version` (or `agent_version`) as text, the cost as a
    Decimal (stored as text or number), missing numbers as 0 and a missing duration as None."""
    version = item.get("version", item.get("agent_version"))
    duration = item.get("duration_ms")
    return RunFact(
        run_id=str(item["run_id"]),
        agent_id=str(item["agent_id"]),
        user_id=str(item.get("user_id") or ""),
        version="" if version is None else str(version),
        status=str(item.get("status") or ""),
        started_at=_time(item["started_at"]),
        duration_ms=None if duration is None else int(duration),
        tokens_in=_int(item.get("tokens_in")),
        tokens_out=_int(item.get("tokens_out")),
        cost=Decimal(str(item.get("cost") or 0)),
        model=str(item.get("model") or ""),
    )


class DynamoRunWindow:
    """The `RunWindow` port over the runs' by-day index."""

    def __init__(self, client: DynamoClient) -> None:
        self._client = client

    def runs_between(self, org_id: str, start: datetime, end: datetime) -> Iterator[RunFact]:
        for day in _days(start, end):
            for item in self._day(org_id, day, start, end):
                run = run_fact(decode_item(item))
                if start <= run.started_at < end:
                    yield run

    def _day(
        self, org_id: str, day: datetime, start: datetime, end: datetime
    ) -> Iterator[dict[str, Any]]:
        low, high = max(start, day), min(end, day + timedelta(days=1))
        condition = Key("gsi2pk").eq(day_partition(org_id, day)) & Key("gsi2sk").between(
            isoformat(low), isoformat(high)
        )
        request = query_request(
            condition, index=DAY_INDEX, scan_forward=True, filter=None, consistent=False
        )
        names = {f"#f{i}": name for i, name in enumerate(FIELDS)}
        request["ProjectionExpression"] = ", ".join(names)
        request["ExpressionAttributeNames"] = {
            **request.get("ExpressionAttributeNames", {}),
            **names,
        }
        after: dict[str, Any] | None = None
        while True:
            page = self._client.query(
                RUNS_TABLE, **request, **({"ExclusiveStartKey": after} if after else {})
            )
            yield from page.get("Items", [])
            after = page.get("LastEvaluatedKey")
            if not after:
                return
