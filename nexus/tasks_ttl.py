"""TTL-adjacent tasks: archive expiring rows to S3 (hourly), purge expired items (every 10
minutes, local endpoints only). The schemes are in adapters.dynamodb.archive and .purge.

Both are idempotent and safe to run at any time, twice, or after a crash: the archive's
manifest claims each batch before writing it and finishes a half-written one; the purge
deletes only what is still expired. They use NexusTask (late ack, retries, dead letters).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from nexus.celery_app import app
from nexus.container import container
from nexus.tasks import NexusTask


@app.task(base=NexusTask, name="nexus.ttl.archive")
def archive_expiring(horizon_days: float | None = None) -> dict[str, Any]:
    """Archive rows expiring within the horizon (default 2 days); what was written."""
    horizon = None if horizon_days is None else timedelta(days=horizon_days)
    report = container().archiver().run(horizon)
    return {"rows": report.rows, "batches": report.batches}


@app.task(base=NexusTask, name="nexus.ttl.purge")
def purge_expired() -> dict[str, Any]:
    """Delete expired items where the store does not (nothing on AWS)."""
    report = container().purger().run()
    return {**asdict(report), "total": report.total}
