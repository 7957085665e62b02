"""The platform's Celery tasks: relay the outbox, deliver events to their consumers.

Every task here uses `NexusTask`: acknowledged late (a worker that dies mid-task leaves it to
another), retried on transient failures with exponential backoff and jitter, and, when it
fails for good, dead-lettered in `system-logs` with its arguments (`manage.py
requeue_dead_letters` sends it again). Tasks are thin: they take JSON, call the adapters or
services, and are idempotent.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task

from adapters.events.relay import relay_once
from domains.shared.errors import Throttled, Unavailable
from domains.shared.events import DomainEvent, event_from_payload, event_payload
from nexus.celery_app import app
from nexus.container import container

log = logging.getLogger("nexus.tasks")
TRANSIENT = (Unavailable, Throttled, ConnectionError, TimeoutError)


class NexusTask(Task):  # type: ignore[misc]
    autoretry_for = TRANSIENT
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 6
    acks_late = True

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        """After the last retry (or a failure that is not worth retrying): keep it."""
        letter = (
            container()
            .dead_letters()
            .record(
                task=self.name,
                args=list(args or []),
                kwargs=dict(kwargs or {}),
                error=f"{type(exc).__name__}: {exc}",
                retries=self.request.retries,
                task_id=task_id,
                queue=_queue_of(self),
            )
        )
        log.error("task %s dead-lettered as %s: %s", self.name, letter.id, exc)


def _queue_of(task: Task) -> str:
    """The queue the task came from (Redis leaves the routing key empty: then this worker's
    default queue, which is the one it consumes)."""
    info = task.request.delivery_info or {}
    return str(info.get("routing_key") or task.app.conf.task_default_queue)


@app.task(base=NexusTask, name="nexus.deliver_event")
def deliver_event(payload: dict[str, Any]) -> int:
    """Hand one domain event to its consumers (idempotent by event id)."""
    from nexus.events import dispatch

    return dispatch(event_from_payload(payload))


def _send(event: DomainEvent) -> None:
    deliver_event.apply_async(args=[event_payload(event)], retry=False)


@app.task(base=NexusTask, name="nexus.relay_outbox")
def relay_outbox(limit: int = 100) -> int:
    """One pass of the relay: every committed event goes to `deliver_event`."""
    return relay_once(container().outbox(), _send, limit=limit)
