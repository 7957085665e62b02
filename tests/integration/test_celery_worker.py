"""The Celery app against a real Redis and a real `celery worker` process."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url() -> str:
    from nexus.config import config

    url = config().redis_url
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {url} (deploy/scripts/ensure-redis.sh starts one)")
    return url


@pytest.fixture
def worker(redis_url: str):  # type: ignore[no-untyped-def]
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "NEXUS_REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "nexus.settings"}
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "nexus.celery_app",
        "worker",
        "--pool=prefork",
        "--concurrency=2",
        "-Q",
        queue,
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    process = subprocess.Popen(cmd, cwd=REPO, env=env)
    try:
        yield queue
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_real_worker_runs_tasks_from_redis(worker: str):
    from nexus.celery_app import ping

    results = [ping.apply_async(queue=worker) for _ in range(20)]
    assert [r.get(timeout=30) for r in results] == ["pong"] * 20


def test_tasks_are_acknowledged_late_and_rejected_when_the_worker_dies():
    from nexus.celery_app import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.beat_scheduler == "redbeat.RedBeatScheduler"
