"""Experiment run logs are archived to S3 before their TTL removes them (experiment-run-logs
is in the archive registry over its gsi4): each line due within the horizon exactly once, never
a batch claim; a line past its TTL is not read back."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from adapters.dynamodb.archive import ARCHIVABLE, Archiver, decode_lines
from adapters.dynamodb.lab.logs import DynamoLogStore
from domains.lab.logs.model import RETENTION, LogEntry, bound_at
from domains.lab.logs.ports import LogFilter
from domains.lab.logs.services import log_ids
from domains.shared.clock import FixedClock
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ORG, EXP = new_id(), new_id()


def _lines(store: DynamoLogStore, count: int, spread_hours: float) -> dict[str, datetime]:
    expiries = {}
    for n in range(count):
        at = NOW - RETENTION - timedelta(days=1) + timedelta(hours=spread_hours * n / count)
        at_ms = int(at.timestamp() * 1000)
        store.claim_batch(ORG, EXP, f"key-{n}", at_ms)
        (log_id,) = log_ids(at_ms, 1, f"key-{n}")
        received = datetime.fromtimestamp(at_ms / 1000, tz=UTC)
        entry = LogEntry(ORG, EXP, log_id, received, received, "trainer", "info", f"line {n}")
        store.write([entry])
        expiries[log_id] = entry.expires_at
    return expiries


def test_log_lines_are_archived_once_before_they_expire(make_stack) -> None:  # type: ignore[no-untyped-def]
    assert any(s.table == "experiment-run-logs" for s in ARCHIVABLE)
    root = make_stack(("project_management", "ai_lab"))
    clock = FixedClock(NOW)
    store = DynamoLogStore(
        root.gateways.dynamo(), cursors=root.gateways.cursor_signer(), clock=clock
    )
    expiries = _lines(store, 40, spread_hours=24 * 5)
    archiver = Archiver(
        root.gateways.dynamo(),
        root.gateways.object_store(),
        clock=clock,
        features=("ai_lab",),
        batch_rows=7,
    )
    report = archiver.run()
    due = {i for i, e in expiries.items() if e < NOW + timedelta(days=2)}
    assert 5 < len(due) < 40 and report.rows == len(due)
    objects = root.gateways.object_store()
    found: Counter[str] = Counter()
    for key in objects.keys("archive/experiment-run-logs/"):
        found.update(item["log_id"]["S"] for item in decode_lines(objects.get(key)))
    assert set(found) == due and set(found.values()) == {1}  # lines only, once each
    assert archiver.run().batches == []
    # expired lines are left out on read (TTL deletes lazily)
    flt = LogFilter(until=bound_at(NOW))
    listed = store.newest(ORG, EXP, flt, PageRequest(limit=100)).items
    live = {i for i, e in expiries.items() if e > NOW}
    assert {e.log_id for e in listed} == live and 0 < len(live) < 40
