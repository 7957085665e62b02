"""A real `celery worker` (Redis, moto's server in its own process) runs the archive task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.dynamodb.archive import decode_lines
from adapters.dynamodb.codec import encode_item
from adapters.dynamodb.uow import audit_item
from domains.shared.audit import AuditEntry
from tests.integration.test_outbox_relay import redis_url, served, worker  # noqa: F401


def test_a_worker_archives_the_expiring_audit_rows_once(served, worker) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from nexus.tasks_ttl import archive_expiring

    now = datetime.now(UTC)
    ids = set()
    for n in range(25):  # expiring from 1 hour to about 2 days ahead
        at = now - timedelta(days=30) + timedelta(hours=1 + n * 1.9)
        entry = AuditEntry("org1", "u1", "x.done", "x", str(n), at=at)
        served.gateways.dynamo().put_item(
            "system-logs", Item=encode_item(audit_item(entry, timedelta(days=30)))
        )
        ids.add(entry.id)
    first = archive_expiring.apply_async(kwargs={"horizon_days": 3}, queue=worker).get(timeout=30)
    again = archive_expiring.apply_async(kwargs={"horizon_days": 3}, queue=worker).get(timeout=30)
    assert first["rows"] == 25 and again == {"rows": 0, "batches": []}
    store = served.gateways.object_store()
    archived = [
        item["id"]["S"]
        for batch in first["batches"]
        for item in decode_lines(store.get(batch["key"]))
    ]
    assert sorted(archived) == sorted(ids)
