"""The Celery app: Redis broker, late acknowledgement, beat schedule in Redis (redbeat)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus.settings")

from nexus.config import config

_cfg = config()

app = Celery("nexus", include=["nexus.tasks"])
app.conf.update(
    broker_url=_cfg.redis_url,
    result_backend=_cfg.redis_url,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    timezone="UTC",
    beat_scheduler="redbeat.RedBeatScheduler",
    redbeat_redis_url=_cfg.redis_url,
    broker_connection_retry_on_startup=True,
    # one queue name for the workers and the tasks they send (tests give each run its own)
    task_default_queue=os.environ.get("NEXUS_CELERY_QUEUE", "celery"),
    beat_schedule={
        # the outbox is the events' durable queue: the relay empties it every few seconds
        "relay-outbox": {"task": "nexus.relay_outbox", "schedule": 2.0},
    },
)


@app.task(name="nexus.ping")
def ping() -> str:
    """A task that proves a worker consumes from the broker."""
    return "pong"


# Usage tracking (feature `analytics`): the flush task, sent by beat every few seconds; a
# flush that waits longer than one interval expires, as the next one does its work.
app.conf.include = [*app.conf.include, "nexus.tasks_usage"]
if "analytics" in _cfg.features:
    app.conf.beat_schedule = {
        **app.conf.beat_schedule,
        "flush-usage": {
            "task": "nexus.usage.flush",
            "schedule": _cfg.usage_flush_seconds,
            "options": {"expires": _cfg.usage_flush_seconds},
        },
    }

# TTL-adjacent jobs (nexus.tasks_ttl): archive rows to S3 before TTL removes them, hourly;
# purge expired items where the store does not expire them (local endpoints), every 10 min.
app.conf.include = [*app.conf.include, "nexus.tasks_ttl"]
app.conf.beat_schedule = {
    **app.conf.beat_schedule,
    "archive-expiring": {
        "task": "nexus.ttl.archive",
        "schedule": 3600.0,
        "options": {"expires": 3600},
    },
    "purge-expired": {"task": "nexus.ttl.purge", "schedule": 600.0, "options": {"expires": 600}},
}

# The cost report (feature `analytics`): each worker process flushes its DynamoDB capacity
# units (nexus.tasks_cost); beat's tick makes an idle worker flush too.
app.conf.include = [*app.conf.include, "nexus.tasks_cost"]
if "analytics" in _cfg.features:
    app.conf.beat_schedule = {
        **app.conf.beat_schedule,
        "flush-costs": {
            "task": "nexus.cost.flush",
            "schedule": _cfg.cost_flush_seconds,
            "options": {"expires": _cfg.cost_flush_seconds},
        },
    }

# Roll-ups (feature `analytics`, nexus.tasks_analytics): every minute, the hours the feed's
# consumer marked due are recomputed from the feed, with their days.
app.conf.include = [*app.conf.include, "nexus.tasks_analytics"]
if "analytics" in _cfg.features:
    app.conf.beat_schedule = {
        **app.conf.beat_schedule,
        "roll-up-analytics": {
            "task": "nexus.analytics.rollup",
            "schedule": 60.0,
            "options": {"expires": 60},
        },
    }
