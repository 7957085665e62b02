"""The cost flush: every process writes its own ledger of DynamoDB capacity units to
`aggregated-analytics` (the scheme and its crash semantics are in adapters/dynamodb/cost_flush).

The ledger is process memory, so each process flushes its own:
- a worker process on beat's tick (`nexus.cost.flush`, every NEXUS_COST_FLUSH_SECONDS, to
  whichever worker process takes it), after any task once the interval has passed, and when
  it shuts down;
- a web process after a request once the interval has passed (nexus.cost_middleware), and at
  exit.
The end-of-process flushes are best effort: a process killed outright loses its interval.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from celery.signals import task_postrun, worker_process_shutdown

from nexus.celery_app import app
from nexus.container import container

log = logging.getLogger("nexus.cost")


def costs_enabled() -> bool:
    return "analytics" in container().config().features


def flush_quietly(*, only_when_due: bool) -> None:
    """A flush that never raises (it runs after a response, a task, or at exit)."""
    try:
        if costs_enabled():
            flusher = container().costs.flusher()
            flusher.maybe_flush() if only_when_due else flusher.flush()
    except Exception:  # best effort: the next flush retries its backlog
        log.warning("cost flush failed", exc_info=True)


@app.task(name="nexus.cost.flush", ignore_result=False)
def flush_costs() -> dict[str, Any]:
    """This worker process's flush report (`busy`, `table_items`, `org_items`, `failed`)."""
    if not costs_enabled():
        return {"disabled": True}
    return asdict(container().costs.flusher().flush())


@task_postrun.connect(weak=False)
def _after_task(**_: Any) -> None:
    flush_quietly(only_when_due=True)


@worker_process_shutdown.connect(weak=False)
def _at_shutdown(**_: Any) -> None:
    flush_quietly(only_when_due=False)
