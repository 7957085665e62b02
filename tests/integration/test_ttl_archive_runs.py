"""Agent runs are archived to S3 before their TTL removes them (agent-execution-history is in
the archive registry over its gsi4): each run due within the horizon exactly once, never an
Idempotency-Key record; the purge then deletes expired runs only once archived."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.dynamodb.archive import ARCHIVABLE, Archiver, decode_lines
from adapters.dynamodb.purge import Purger
from domains.agents.runs.model import RETENTION, AgentRun, RunReplay, utc
from domains.shared.clock import FixedClock
from domains.shared.ids import id_at, new_id

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ORG, AGENT = new_id(), new_id()


def _runs(root: Any, count: int, *, spread_hours: float) -> dict[str, datetime]:
    """`count` runs expiring from 1 day ago to `spread_hours` after that, each with an
    Idempotency-Key record; returns each run's expiry."""
    expiries = {}
    for n in range(count):
        started = utc(
            NOW - RETENTION - timedelta(days=1) + timedelta(hours=spread_hours * n / count)
        )
        run = AgentRun(
            ORG,
            AGENT,
            id_at(int(started.timestamp() * 1000)),
            "P1",
            "ada",
            "ada",
            "succeeded",
            started,
            started,
            duration_ms=10,
        )
        replay = RunReplay(ORG, AGENT, "ada", f"k{n}", run.id, "f" * 64, run.expires_at)
        with root.runs.uow()() as uow:
            uow.runs.add(run, replay)
            uow.commit()
        expiries[run.id] = run.expires_at
    return expiries


def _archived(root: Any) -> Counter[str]:
    store = root.gateways.object_store()
    found: Counter[str] = Counter()
    for key in store.keys("archive/agent-execution-history/"):
        found.update(item["run_id"]["S"] for item in decode_lines(store.get(key)))
    return found


def test_runs_are_archived_once_before_they_expire_then_purged(make_stack) -> None:  # type: ignore[no-untyped-def]
    assert any(s.table == "agent-execution-history" for s in ARCHIVABLE)
    root = make_stack(("agent_builder",))
    expiries = _runs(root, 60, spread_hours=24 * 5)
    clock = FixedClock(NOW)
    archiver = Archiver(
        root.gateways.dynamo(),
        root.gateways.object_store(),
        clock=clock,
        features=("agent_builder",),
        batch_rows=13,
    )
    report = archiver.run()
    due = {i for i, e in expiries.items() if e < NOW + timedelta(days=2)}
    assert 20 < len(due) < 60 and report.rows == len(due)
    archived = _archived(root)
    assert set(archived) == due and set(archived.values()) == {1}  # runs only, once each
    assert archiver.run().batches == []
    assert all(m["state"]["S"] == "done" for m in archiver.manifest("agent-execution-history"))

    purger = Purger(
        root.gateways.dynamo(),
        clock=clock,
        features=("agent_builder",),
        is_aws=False,
        archiver=archiver,
    )
    purged = purger.run()
    expired = {i for i, e in expiries.items() if e < NOW}  # the purge: expires_at < now
    # every expired run was archived, so it goes; so does each expired key record
    assert purged.deleted["agent-execution-history"] == 2 * len(expired)
    left = root.gateways.dynamo().scan("agent-execution-history")["Items"]
    assert {i["run_id"]["S"] for i in left if i["sk"]["S"].startswith("RUN#")} == (
        set(expiries) - expired
    )
