"""The archive's manifest in `system-logs` and its object format (see adapters.dynamodb.archive).

One item per batch: `PLATFORM#ARCHIVE` / `<table>#<yyyy-mm-dd>#<seq 00001>`, with the S3 key,
state (`writing` once claimed, `done` once the object is written), rows, sha256 and size of
the object, and the shard watermarks before and after the batch (`before`, `after`: shard ->
the last archived sort key of the expiry index). Objects are DynamoDB's export format, one
`{"Item": ...}` per line, gzip with a zero mtime: the same rows always make the same bytes.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

from adapters.dynamodb.client import DynamoClient
from domains.shared.clock import Clock, isoformat
from domains.shared.errors import PreconditionFailed

MANIFEST_TABLE = "system-logs"
MANIFEST_PARTITION = "PLATFORM#ARCHIVE"
Wire = dict[str, Any]
Marks = dict[int, str]


def archive_key(table: str, day: str, seq: int) -> str:
    return f"archive/{table}/{day}/{seq:05d}.jsonl.gz"


def encode_lines(items: list[Wire]) -> bytes:
    text = "".join(
        json.dumps({"Item": i}, sort_keys=True, separators=(",", ":")) + "\n" for i in items
    )
    return gzip.compress(text.encode(), mtime=0)


def decode_lines(body: bytes) -> list[Wire]:
    """The items of an archive object (what a restore, or a test, reads back)."""
    text = gzip.decompress(body).decode()
    return [json.loads(line)["Item"] for line in text.splitlines() if line]


def _s(value: str) -> Wire:
    return {"S": value}


def marks_of(item: Wire | None, name: str) -> Marks:
    """The `before` or `after` watermarks of a manifest item (none for no item)."""
    if item is None:
        return {}
    return {int(k): v["S"] for k, v in item.get(name, {}).get("M", {}).items()}


def _marks_wire(marks: Marks) -> Wire:
    return {"M": {str(shard): _s(sk) for shard, sk in sorted(marks.items())}}


class ArchiveManifest:
    def __init__(self, client: DynamoClient, *, clock: Clock) -> None:
        self._client = client
        self._clock = clock

    def latest(self, table: str, day: str) -> Wire | None:
        """The last batch of a table's day (its `after` marks are the watermarks)."""
        page = self._client.query(
            MANIFEST_TABLE,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :day)",
            ExpressionAttributeValues={
                ":pk": _s(MANIFEST_PARTITION),
                ":day": _s(f"{table}#{day}#"),
            },
            ScanIndexForward=False,
            Limit=1,
            ConsistentRead=True,
        )
        items = page.get("Items", [])
        return items[0] if items else None

    def items(self, table: str) -> list[Wire]:
        """Every batch of a table, oldest day first (reports, restores, tests)."""
        request: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :table)",
            "ExpressionAttributeValues": {":pk": _s(MANIFEST_PARTITION), ":table": _s(f"{table}#")},
        }
        items: list[Wire] = []
        while True:
            page = self._client.query(MANIFEST_TABLE, **request)
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return items
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def claim(self, table: str, day: str, seq: int, before: Marks, after: Marks) -> Wire | None:
        """Claim batch `seq` (conditional put); None when another run claimed it first."""
        item = {
            "pk": _s(MANIFEST_PARTITION),
            "sk": _s(f"{table}#{day}#{seq:05d}"),
            "table": _s(table),
            "day": _s(day),
            "seq": {"N": str(seq)},
            "state": _s("writing"),
            "s3_key": _s(archive_key(table, day, seq)),
            "before": _marks_wire(before),
            "after": _marks_wire(after),
            "claimed_at": _s(isoformat(self._clock.now())),
        }
        try:
            self._client.put_item(
                MANIFEST_TABLE, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        except PreconditionFailed:
            return None
        return item

    def done(self, claim: Wire, *, uri: str, rows: int, sha256: str, size: int) -> None:
        self._client.update_item(
            MANIFEST_TABLE,
            Key={"pk": claim["pk"], "sk": claim["sk"]},
            UpdateExpression="SET #state = :done, uri = :uri, #rows = :rows, sha256 = :sum, "
            "#bytes = :bytes, archived_at = :at",
            ExpressionAttributeNames={"#state": "state", "#rows": "rows", "#bytes": "bytes"},
            ExpressionAttributeValues={
                ":done": _s("done"),
                ":uri": _s(uri),
                ":rows": {"N": str(rows)},
                ":sum": _s(sha256),
                ":bytes": {"N": str(size)},
                ":at": _s(isoformat(self._clock.now())),
            },
        )
