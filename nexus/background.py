"""The dev runner's background side: a Celery worker and beat when Redis answers, otherwise
an in-process worker (a thread running the same periodic jobs with events delivered at once).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger("nexus.background")
REPO = Path(__file__).resolve().parents[1]


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def start_celery() -> list[subprocess.Popen[bytes]]:
    """`celery worker` and `celery beat` (schedule and lock in Redis: redbeat)."""
    base = [sys.executable, "-m", "celery", "-A", "nexus.celery_app"]
    worker = [*base, "worker", "--loglevel=INFO", "--concurrency=2", "--without-gossip"]
    beat = [*base, "beat", "--loglevel=INFO", "-S", "redbeat.RedBeatScheduler"]
    env = os.environ.copy()
    return [subprocess.Popen(cmd, cwd=REPO, env=env) for cmd in (worker, beat)]


def in_process_worker(stop: threading.Event, interval: float = 2.0) -> threading.Thread:
    """Without Redis: relay the outbox straight to the consumers every `interval` seconds."""

    def run() -> None:
        from adapters.events.relay import relay_once
        from domains.shared.errors import DomainError
        from nexus.container import container
        from nexus.events import dispatch

        while not stop.wait(interval):
            try:
                relay_once(container().outbox(), dispatch)
            except DomainError as e:  # the store is busy or away: the next pass retries
                log.warning("in-process relay pass failed: %s", e)

    thread = threading.Thread(target=run, name="nexus-in-process-worker", daemon=True)
    thread.start()
    return thread


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
