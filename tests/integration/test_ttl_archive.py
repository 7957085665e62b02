"""Archive before expiry: audit rows expiring within the horizon go to S3 exactly once, the
manifest says where, and re-runs, later runs and a run that died half way add no duplicate."""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from adapters.dynamodb.archive import Archiver, decode_lines
from adapters.dynamodb.codec import encode_item
from adapters.dynamodb.uow import audit_item
from adapters.s3.store import S3ObjectStore
from domains.shared.audit import AuditEntry
from domains.shared.clock import FixedClock
from domains.shared.errors import Unavailable

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
RETENTION = timedelta(days=30)


def _audit_rows(root: Any, count: int, *, spread_hours: float) -> dict[str, int]:
    """`count` audit entries whose expiries run from 1 day ago to `spread_hours` after that;
    returns each id's expiry (epoch seconds)."""
    client = root.gateways.dynamo()
    expiries: dict[str, int] = {}
    for n in range(count):
        at = NOW - RETENTION - timedelta(days=1) + timedelta(hours=spread_hours * n / count)
        entry = AuditEntry("org1", "u1", "member.added", "member", f"m{n}", at=at)
        item = audit_item(entry, RETENTION)
        client.put_item("system-logs", Item=encode_item(item))
        expiries[entry.id] = item["expires_at"]
    return expiries


def _archived_ids(root: Any) -> Counter[str]:
    store = root.gateways.object_store()
    ids: Counter[str] = Counter()
    for key in store.keys("archive/system-logs/"):
        ids.update(item["id"]["S"] for item in decode_lines(store.get(key)))
    return ids


def _archiver(root: Any, clock: FixedClock, store: Any = None, **options: Any) -> Archiver:
    return Archiver(
        root.gateways.dynamo(),
        store or root.gateways.object_store(),
        clock=clock,
        features=(),
        **options,
    )


def test_every_row_expiring_within_the_horizon_is_archived_once(make_stack) -> None:  # type: ignore[no-untyped-def]
    root = make_stack(())
    expiries = _audit_rows(root, 120, spread_hours=24 * 5)  # from 1 day ago to 4 days ahead
    clock = FixedClock(NOW)
    archiver = _archiver(root, clock, batch_rows=17)

    report = archiver.run()
    horizon = int((NOW + timedelta(days=2)).timestamp())
    due = {i for i, expires in expiries.items() if expires < horizon}
    assert 50 < len(due) < 120 and report.rows == len(due)
    archived = _archived_ids(root)
    assert set(archived) == due and set(archived.values()) == {1}

    # the manifest says where each batch went, with its row count and checksum
    store = root.gateways.object_store()
    manifest = archiver.manifest("system-logs")
    assert len(manifest) == len(report.batches) == len(list(store.keys("archive/")))
    for item in manifest:
        body = store.get(item["s3_key"]["S"])
        assert item["state"]["S"] == "done"
        assert item["uri"]["S"] == store.uri(item["s3_key"]["S"])
        assert item["sha256"]["S"] == hashlib.sha256(body).hexdigest()
        assert int(item["rows"]["N"]) == len(decode_lines(body)) <= 17
        assert gzip.decompress(body).startswith(b'{"Item":')

    # a second run writes nothing new; a day later the next day's rows follow, once
    assert archiver.run().batches == []
    assert len(list(store.keys("archive/"))) == len(manifest)
    clock.advance(days=1)
    later = archiver.run()
    horizon = int((NOW + timedelta(days=3)).timestamp())
    assert later.rows == sum(
        horizon > e >= int((NOW + timedelta(days=2)).timestamp()) for e in expiries.values()
    )
    archived = _archived_ids(root)
    assert set(archived) == {i for i, e in expiries.items() if e < horizon}
    assert set(archived.values()) == {1}


class _FailingOnce(S3ObjectStore):
    def __init__(self, inner: S3ObjectStore) -> None:
        super().__init__(inner._s3, inner.bucket)
        self.failures = 1

    def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> str:
        if self.failures:
            self.failures -= 1
            raise Unavailable("object store down")
        return super().put(key, data, content_type=content_type)


def test_a_run_that_died_after_claiming_a_batch_is_finished_by_the_next(make_stack) -> None:  # type: ignore[no-untyped-def]
    root = make_stack(())
    expiries = _audit_rows(root, 40, spread_hours=24)  # all expire within the horizon
    clock = FixedClock(NOW)
    flaky = _FailingOnce(root.gateways.object_store())
    with pytest.raises(Unavailable):
        _archiver(root, clock, flaky, batch_rows=15).run()
    [claim] = _archiver(root, clock).manifest("system-logs")
    assert claim["state"]["S"] == "writing" and _archived_ids(root) == Counter()

    report = _archiver(root, clock, batch_rows=15).run()  # finishes the claim, then the rest
    assert report.batches[0]["key"] == claim["s3_key"]["S"] and report.rows == 40
    archived = _archived_ids(root)
    assert set(archived) == set(expiries) and set(archived.values()) == {1}
    assert {m["state"]["S"] for m in _archiver(root, clock).manifest("system-logs")} == {"done"}


def test_archive_expiring_command_and_the_container_s_archiver(make_stack, capsys) -> None:  # type: ignore[no-untyped-def]
    root = make_stack(())
    expiries = _audit_rows(root, 12, spread_hours=24 * 3)
    with root.identity.clock.override(FixedClock(NOW)):
        root.archiver.reset()
        call_command("archive_expiring", "--days", "1")
    out = capsys.readouterr().out
    due = {i for i, e in expiries.items() if e < int((NOW + timedelta(days=1)).timestamp())}
    assert f"archived {len(due)} rows" in out
    assert set(_archived_ids(root)) == due
    root.archiver.reset()
