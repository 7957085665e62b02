"""Archive rows of TTL tables to S3 before DynamoDB's TTL removes them (a job, not a request).

The scheme. A row to be archived carries an *expiry index* key: hash
`EXPIRES#<yyyy-mm-dd>#<shard 0-9>` (the day its TTL passes), range `<expires_at epoch>#<id>`
(`expiry_keys` builds both). Each run takes, for every registered table whose feature is on and
every day from `lookback_days` ago to the day of `now + horizon`, the rows of the ten shards
above each shard's watermark (the last sort key archived) and expiring before `now + horizon`,
and writes them, at most `batch_rows` per object, to `archive/<table>/<day>/<seq:05d>.jsonl.gz`:
DynamoDB's export format (one `{"Item": ...}` per line), gzip with a zero mtime, so the same
rows always make the same bytes. The manifest item `PLATFORM#ARCHIVE` / `<table>#<day>#<seq>`
in `system-logs` says where each batch went (key, rows, sha256) and the shard watermarks
before and after it. It is claimed (conditional put, state `writing`) before the object is
written and marked `done` after, so a run that dies in between is finished by the next one
from the recorded ranges (same rows, same key), two runs never claim the same batch, and a
re-run of a day finds nothing above the watermarks and writes nothing.

Watermarks assume rows reach the index roughly in expiry order, which holds when a table's
retention is longer than the horizon (a row is archived long after it was written).

Plugging a table in (agent-execution-history, experiment-run-logs): write its rows with
`expiry_keys(expires_at, row_id)` under the index its definition names "EXPIRES#..." (gsi4 in
deploy/tables/agent_builder.json and ai_lab.json), then add one line to ARCHIVABLE:
`ArchiveSpec("agent-execution-history", index="gsi4")`. Nothing else changes: the job runs it
when the table's feature is on, and the purge (adapters.dynamodb.purge) then removes its
expired rows on local endpoints once archived, never before.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from adapters.dynamodb.archive_manifest import (
    ArchiveManifest,
    decode_lines,  # re-exported: what reads an archive object back
    encode_lines,
    marks_of,
)
from adapters.dynamodb.catalog import IndexDef, table_def
from adapters.dynamodb.client import DynamoClient
from adapters.s3.store import S3ObjectStore
from domains.shared.clock import Clock

SHARDS = 10
__all__ = ["ARCHIVABLE", "ArchiveSpec", "Archiver", "decode_lines", "expiry_keys"]
Wire = dict[str, Any]


@dataclass(frozen=True)
class ArchiveSpec:
    """A table whose rows are archived, and its expiry index (`EXPIRES#<day>#<shard>`)."""

    table: str
    index: str

    @property
    def keys(self) -> IndexDef:
        return next(i for i in table_def(self.table).indexes if i.name == self.index)


# The registry of archivable tables: one line per table (see the module docstring).
ARCHIVABLE: tuple[ArchiveSpec, ...] = (
    ArchiveSpec("system-logs", index="gsi3"),
    ArchiveSpec("agent-execution-history", index="gsi4"),
    ArchiveSpec("experiment-run-logs", index="gsi4"),
)


def expiry_keys(expires: datetime, row_id: str) -> tuple[str, str]:
    """The expiry index's (hash, range) of a row expiring at `expires` (shard from its id)."""
    return f"EXPIRES#{expires:%Y-%m-%d}#{ord(row_id[-1]) % SHARDS}", (
        f"{int(expires.timestamp())}#{row_id}"
    )


@cache
def expiry_index(table: str) -> IndexDef | None:
    """The index of a table that holds rows awaiting archive (its pk is `EXPIRES#...`)."""
    found = [i for i in table_def(table).indexes if i.pk_format.startswith("EXPIRES#")]
    return found[0] if found else None


@dataclass
class ArchiveReport:
    batches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(b["rows"] for b in self.batches)


class Archiver:
    def __init__(
        self,
        client: DynamoClient,
        store: S3ObjectStore,
        *,
        clock: Clock,
        features: tuple[str, ...],
        horizon: timedelta = timedelta(days=2),
        lookback_days: int = 2,
        batch_rows: int = 5000,
        specs: tuple[ArchiveSpec, ...] = ARCHIVABLE,
    ) -> None:
        self._client = client
        self._store = store
        self._clock = clock
        self._horizon = horizon
        self._lookback = lookback_days
        self._batch_rows = batch_rows
        self.manifest_store = ArchiveManifest(client, clock=clock)
        enabled = {"base", *features}
        self.specs = tuple(s for s in specs if table_def(s.table).feature in enabled)

    # -- the run -------------------------------------------------------------------------------

    def run(self, horizon: timedelta | None = None) -> ArchiveReport:
        """Archive every row expiring before now + horizon that is not archived yet."""
        now = self._clock.now()
        cutoff = now + (horizon if horizon is not None else self._horizon)
        days = (cutoff.date() - now.date()).days + self._lookback
        report = ArchiveReport()
        for spec in self.specs:
            for n in range(days + 1):
                day = now.date() - timedelta(days=self._lookback) + timedelta(days=n)
                report.batches += self._archive_day(spec, day, f"{int(cutoff.timestamp())}#")
        return report

    def _archive_day(self, spec: ArchiveSpec, day: date, cutoff: str) -> list[dict[str, Any]]:
        written: list[dict[str, Any]] = []
        latest = self.latest(spec.table, day.isoformat())
        if latest is not None and latest["state"]["S"] == "writing":
            written.append(self._finish(spec, latest))  # a run died between claim and done
        while True:
            before = marks_of(latest, "after")
            rows, after = self._gather(spec, day, before, cutoff)
            if not rows:
                return written
            seq = int(latest["seq"]["N"]) + 1 if latest else 1
            latest = self.manifest_store.claim(spec.table, day.isoformat(), seq, before, after)
            if latest is None:
                return written  # another run claimed this batch; it writes it
            written.append(self._write(spec, latest, rows))

    def _gather(
        self, spec: ArchiveSpec, day: date, before: dict[int, str], cutoff: str
    ) -> tuple[list[Wire], dict[int, str]]:
        """The next batch: up to batch_rows rows above the watermarks, shard by shard."""
        rows: list[Wire] = []
        after = dict(before)
        for shard in range(SHARDS):
            room = self._batch_rows - len(rows)
            if room <= 0:
                break
            found = self._rows(spec, day, shard, before.get(shard), below=cutoff, limit=room)
            if found:
                rows += found
                after[shard] = found[-1][spec.keys.range_key]["S"]
        return rows, after

    def _rows(
        self,
        spec: ArchiveSpec,
        day: date,
        shard: int,
        above: str | None,
        *,
        below: str | None = None,
        upto: str | None = None,
        limit: int | None = None,
    ) -> list[Wire]:
        """Rows of one expiry partition with sort key in (above, below) or (above, upto]."""
        keys = spec.keys
        condition = "#p = :p" + (" AND #s > :above" if above else "")
        values: Wire = {":p": {"S": f"EXPIRES#{day.isoformat()}#{shard}"}}
        if above:
            values[":above"] = {"S": above}
        request: dict[str, Any] = {
            "IndexName": spec.index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": {
                "#p": keys.hash_key,
                **({"#s": keys.range_key} if above else {}),
            },
            "ExpressionAttributeValues": values,
        }
        rows: list[Wire] = []
        while True:
            if limit is not None:
                request["Limit"] = limit - len(rows)
            page = self._client.query(spec.table, **request)
            for item in page.get("Items", []):
                sk = item[keys.range_key]["S"]
                if (below is not None and sk >= below) or (upto is not None and sk > upto):
                    return rows
                rows.append(item)
            start = page.get("LastEvaluatedKey")
            if not start or (limit is not None and len(rows) >= limit):
                return rows
            request["ExclusiveStartKey"] = start

    # -- writing a batch ------------------------------------------------------------------------

    def latest(self, table: str, day: str) -> Wire | None:
        return self.manifest_store.latest(table, day)

    def manifest(self, table: str) -> list[Wire]:
        """Every manifest item of a table, oldest day first."""
        return self.manifest_store.items(table)

    def _finish(self, spec: ArchiveSpec, claim: Wire) -> dict[str, Any]:
        """Write a claimed batch again from its recorded ranges (same rows, same key)."""
        day = date.fromisoformat(claim["day"]["S"])
        before, after = marks_of(claim, "before"), marks_of(claim, "after")
        rows = [
            row
            for shard, upto in sorted(after.items())
            if upto != before.get(shard)
            for row in self._rows(spec, day, shard, before.get(shard), upto=upto)
        ]
        return self._write(spec, claim, rows)

    def _write(self, spec: ArchiveSpec, claim: Wire, rows: list[Wire]) -> dict[str, Any]:
        body = encode_lines(rows)
        key = claim["s3_key"]["S"]
        uri = self._store.put(key, body, content_type="application/gzip")
        checksum = hashlib.sha256(body).hexdigest()
        self.manifest_store.done(claim, uri=uri, rows=len(rows), sha256=checksum, size=len(body))
        return {"table": spec.table, "day": claim["day"]["S"], "key": key, "rows": len(rows)}

    # -- what the purge asks -------------------------------------------------------------------

    def covers(self, table: str, item: Wire, cache: dict[tuple[str, str], dict[int, str]]) -> bool:
        """Whether a row awaiting archive is archived (its sort key is under the watermark of
        a finished batch); `cache` keeps the watermarks of the days seen in one purge run."""
        index = expiry_index(table)
        if index is None or table not in {s.table for s in self.specs}:
            return False
        _, day, shard = item[index.hash_key]["S"].split("#")
        if (table, day) not in cache:
            latest = self.latest(table, day)
            done = latest is not None and latest["state"]["S"] == "done"
            cache[(table, day)] = marks_of(latest, "after" if done else "before")
        mark = cache[(table, day)].get(int(shard))
        return mark is not None and item[index.range_key]["S"] <= mark
