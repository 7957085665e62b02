"""Metric points in `metrics-timeseries`, packed: the points of one run and key are grouped
into buckets of BUCKET_STEPS steps, one item per bucket (and part), and appended with
`list_append` in one UpdateItem per bucket, so a 1,000-point batch is a handful of writes
charged by the bytes they leave, not a thousand one-unit puts.

A point is stored as [step, timestamp_ms, value]. With a batch id, every bucket remembers
the batches it took (`batches`, a string set) and its append is conditional on not having
taken this one, so a retried batch, even one cut short, lands exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import decode_item, encode_value
from adapters.dynamodb.expressions import Expressions
from adapters.dynamodb.lab.tracking_keys import (
    PART_POINTS,
    bucket_key,
    bucket_of,
    bucket_prefix,
    bucket_range,
    metric_partition,
)
from adapters.dynamodb.reading import query_request
from domains.lab.tracking.model import MetricPoint
from domains.shared.errors import PreconditionFailed, Throttled, ValidationFailed

TABLE = "metrics-timeseries"
# One history read: about 6 MB, refused once passed (pages are read one at a time, so a
# longer series costs no more than the bound to refuse); narrower step ranges beyond.
MAX_HISTORY_POINTS = 200_000
APPEND_ATTEMPTS = 6


def _pieces(points: Sequence[MetricPoint]) -> dict[int, list[list[MetricPoint]]]:
    """Points by bucket, each bucket's cut into pieces of at most PART_POINTS."""
    by_bucket: dict[int, list[MetricPoint]] = {}
    for p in points:
        by_bucket.setdefault(bucket_of(p.step), []).append(p)
    return {
        b: [ps[i : i + PART_POINTS] for i in range(0, len(ps), PART_POINTS)]
        for b, ps in by_bucket.items()
    }


def _project(request: dict[str, Any], *names: str) -> None:
    """Read only `names` (through placeholders: some names are reserved words)."""
    placeholders = {f"#a{i}": name for i, name in enumerate(names)}
    request["ProjectionExpression"] = ", ".join(placeholders)
    request["ExpressionAttributeNames"] = {
        **request.get("ExpressionAttributeNames", {}),
        **placeholders,
    }


class DynamoMetricStore:
    def __init__(self, client: DynamoClient) -> None:
        self._client = client

    def append(
        self, org_id: str, run_id: str, key: str, points: Sequence[MetricPoint], batch_id: str
    ) -> int:
        written = 0
        for bucket, pieces in _pieces(points).items():
            for i, piece in enumerate(pieces):
                mark = f"{batch_id}#{i}" if batch_id else ""
                written += self._append_piece(org_id, run_id, key, bucket, piece, mark)
        return written

    def _append_piece(
        self, org_id: str, run_id: str, key: str, bucket: int, piece: list[MetricPoint], mark: str
    ) -> int:
        part = 0
        for _ in range(APPEND_ATTEMPTS):
            try:
                self._update(bucket_key(org_id, run_id, key, bucket, part), piece, mark)
                return len(piece)
            except PreconditionFailed:
                parts = self._parts(org_id, run_id, key, bucket)
                if mark and any(mark in p.get("batches", ()) for p in parts):
                    return 0  # this piece landed before: a retried batch
                last: dict[str, Any] = (
                    parts[-1] if parts else {"sk": f"{bucket_prefix(bucket)}0000"}
                )
                part = int(str(last["sk"]).rsplit("#", 1)[1])
                if int(last.get("n", 0)) + len(piece) > PART_POINTS:
                    part += 1
        raise Throttled("metric bucket kept changing under concurrent writers", retry_after=1)

    def _update(self, key: dict[str, str], piece: list[MetricPoint], mark: str) -> None:
        """SET points = list_append(...) ADD n, batches; if the part has room (and, with a
        mark, has not taken it)."""
        expressions = Expressions()
        values: dict[str, Any] = {
            ":pts": encode_value([[p.step, p.timestamp, p.value] for p in piece]),
            ":empty": {"L": []},
            ":cnt": encode_value(len(piece)),
        }
        update = "SET #pts = list_append(if_not_exists(#pts, :empty), :pts) ADD #cnt :cnt"
        names = {"#pts": "points", "#cnt": "n"}
        condition: ConditionBase = Attr("n").not_exists() | Attr("n").lte(PART_POINTS - len(piece))
        if mark:
            update += ", #bat :bat"
            names["#bat"] = "batches"
            values[":bat"] = {"SS": [mark]}
            condition = condition & ~Attr("batches").contains(mark)
        built = expressions.condition(condition)
        params = expressions.params()
        self._client.update_item(
            TABLE,
            Key=encode_value(key)["M"],
            UpdateExpression=update,
            ConditionExpression=built,
            ExpressionAttributeNames={**params["ExpressionAttributeNames"], **names},
            ExpressionAttributeValues={**params["ExpressionAttributeValues"], **values},
            ReturnValues="ALL_NEW",  # so the local meter charges the whole item, as AWS does
            on_condition=PreconditionFailed,
        )

    def _parts(self, org_id: str, run_id: str, key: str, bucket: int) -> list[dict[str, Any]]:
        """A bucket's parts in order, with their counts and batches (consistent: just written)."""
        condition = Key("pk").eq(metric_partition(org_id, run_id, key)) & Key("sk").begins_with(
            bucket_prefix(bucket)
        )
        request = query_request(
            condition, index=None, scan_forward=True, filter=None, consistent=True
        )
        _project(request, "sk", "n", "batches")
        return [decode_item(i) for i in self._items(request)]  # a bucket has few parts

    def _items(self, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every item of a Query, page by page (a page is read only when the last is used)."""
        start = None
        while True:
            paged = {**request, **({"ExclusiveStartKey": start} if start else {})}
            response = self._client.query(TABLE, **paged)
            yield from response.get("Items", [])
            start = response.get("LastEvaluatedKey")
            if not start:
                return

    def history(
        self, org_id: str, run_id: str, key: str, *, step_from: int, step_to: int
    ) -> list[MetricPoint]:
        low, high = bucket_range(step_from, step_to)
        condition = Key("pk").eq(metric_partition(org_id, run_id, key)) & Key("sk").between(
            low, high
        )
        request = query_request(
            condition, index=None, scan_forward=True, filter=None, consistent=False
        )
        _project(request, "points")
        points: list[MetricPoint] = []
        for item in self._items(request):
            for step, at, value in decode_item(item).get("points", []):
                if step_from <= step <= step_to:
                    points.append(MetricPoint(key, float(value), int(at), int(step)))
            if len(points) > MAX_HISTORY_POINTS:
                raise ValidationFailed(
                    f"more than {MAX_HISTORY_POINTS} points: ask for a narrower step range",
                    errors=[{"loc": ["step_to"], "msg": "too many points in the range"}],
                )
        points.sort(key=lambda p: (p.step, p.timestamp))
        return points
