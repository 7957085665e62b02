"""Export and import tables in DynamoDB's JSON export format (one `{"Item": ...}` per line).

A job, not a request path: it reads with paginated Scans through the client wrapper and
writes with BatchWriteItem (25 items per call, unprocessed items retried with backoff).
Works the same against the embedded endpoint and real DynamoDB.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.dynamodb.client import DynamoClient

FORMAT = "DYNAMODB_JSON"
MANIFEST = "manifest.json"
_BATCH = 25


def _scan(dynamo: DynamoClient, table: str) -> Iterator[dict[str, Any]]:
    request: dict[str, Any] = {"Limit": 500}
    while True:
        page = dynamo.scan(table, **request)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def export_tables(dynamo: DynamoClient, tables: Iterable[str], out_dir: Path) -> dict[str, int]:
    """Write each table to `<out_dir>/<table>.json` atomically; returns item counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in tables:
        tmp = out_dir / f".{table}.json.tmp"
        with tmp.open("w") as fh:
            counts[table] = 0
            for item in _scan(dynamo, table):
                fh.write(json.dumps({"Item": item}, separators=(",", ":")) + "\n")
                counts[table] += 1
        os.replace(tmp, out_dir / f"{table}.json")
    manifest = {"format": FORMAT, "exported_at": datetime.now(UTC).isoformat(), "tables": counts}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return counts


def _read_items(path: Path) -> Iterator[dict[str, Any]]:
    with path.open() as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)["Item"]
                except (ValueError, KeyError) as e:
                    raise ValueError(f"{path}:{number}: not a DynamoDB JSON export line") from e


def _write_batch(dynamo: DynamoClient, table: str, items: list[dict[str, Any]]) -> None:
    pending = [{"PutRequest": {"Item": item}} for item in items]
    for attempt in range(10):
        response = dynamo.batch_write_item(RequestItems={table: pending})
        pending = response.get("UnprocessedItems", {}).get(table, [])
        if not pending:
            return
        time.sleep(min(0.05 * 2**attempt, 2.0))
    raise RuntimeError(f"{len(pending)} items of {table} stayed unprocessed")


def import_tables(dynamo: DynamoClient, tables: Iterable[str], in_dir: Path) -> dict[str, int]:
    """Load `<in_dir>/<table>.json` into each table that has a file; returns item counts."""
    counts: dict[str, int] = {}
    for table in tables:
        path = in_dir / f"{table}.json"
        if not path.exists():
            continue
        batch: list[dict[str, Any]] = []
        counts[table] = 0
        for item in _read_items(path):
            batch.append(item)
            if len(batch) == _BATCH:
                _write_batch(dynamo, table, batch)
                counts[table] += len(batch)
                batch = []
        if batch:
            _write_batch(dynamo, table, batch)
            counts[table] += len(batch)
    return counts
