"""The usage flush task: beat sends it every NEXUS_USAGE_FLUSH_SECONDS; it moves the counts
buffered in Redis to `aggregated-analytics` (the scheme is in adapters.events.usage_flush).

It is safe to run at any time and any number of times: a run finds another one busy and
returns, or resumes what a dead worker left half done. A failed run needs no retry: the next
tick flushes again.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from nexus.celery_app import app
from nexus.container import container


@app.task(name="nexus.usage.flush", ignore_result=False)
def flush_usage() -> dict[str, Any]:
    """The flush's report (`busy`, `flush_ids`, `counters`, `applied`, `skipped`, `events`)."""
    if "analytics" not in container().config().features:
        return {"disabled": True}
    return asdict(container().usage.flusher().flush())
