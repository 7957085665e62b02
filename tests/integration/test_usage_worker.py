"""The usage flush in a real `celery worker` process, killed with SIGKILL in the middle of a
flush and restarted: the counts end exact. DynamoDB is moto's server in its own process, so
the worker and the test see the same tables; Redis is real."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from adapters.dynamodb.aggregated_keys import usage_partition
from nexus.config import NexusConfig
from nexus.container import Container
from nexus.tasks_usage import flush_usage
from tests.integration.usage_rig import (
    FAR_FUTURE,
    FAR_PAST,
    REPO,
    buffered,
    live_redis_url,
    usage_config,
    usage_stack,
)

COUNTERS = 600  # a flush over HTTP takes seconds, so the kill lands inside it
AT = datetime(2026, 6, 1, 8, tzinfo=UTC)
DAY = "2026-06-01"


@pytest.fixture
def stack(tf_moto_endpoint, monkeypatch) -> Iterator[Container]:  # type: ignore[no-untyped-def]
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    cfg = usage_config(redis_url=live_redis_url(), endpoint=tf_moto_endpoint)
    yield from usage_stack(cfg)


class Workers:
    """`celery worker` processes on a queue of their own, each in its own process group (so
    SIGKILL takes the pool's children too), configured like the test's container."""

    def __init__(self, cfg: NexusConfig) -> None:
        self.queue = f"usage-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "nexus.settings",
            "NEXUS_REDIS_URL": cfg.redis_url,
            "NEXUS_DYNAMODB_ENDPOINT": cfg.dynamodb_endpoint or "",
            "NEXUS_TABLE_PREFIX": cfg.table_prefix,
            "NEXUS_ENVIRONMENT": cfg.environment,
            "NEXUS_FEATURES": "analytics",
            "NEXUS_USAGE_LOCK_SECONDS": "1",  # a dead worker's lease lapses within a second
        }
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-m", "celery", "-A", "nexus.celery_app", "worker", "-Q"]
        cmd += [self.queue, "--pool=prefork", "--concurrency=1", "--loglevel=WARNING"]
        cmd += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        process = subprocess.Popen(cmd, cwd=REPO, env=self.env, start_new_session=True)
        self.started.append(process)
        return process

    def stop(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)


@pytest.fixture
def workers(stack: Container) -> Iterator[Workers]:
    running = Workers(stack.config())
    yield running
    running.stop()


def _stored(stack: Container) -> dict[str, int]:
    """Every counter in the test's own table, by partition (a Scan: a test, not an API)."""
    dynamo, found, request = stack.gateways.dynamo(), {}, {}
    while True:
        page = dynamo.scan("aggregated-analytics", **request)
        # moto (unlike DynamoDB) may show an update half done: its key without the count yet
        found.update({i["pk"]["S"]: int(i["count"]["N"]) for i in page["Items"] if "count" in i})
        if "LastEvaluatedKey" not in page:
            return found
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _settled(measure: Callable[[], int]) -> int:
    """The measure once it stops changing over half a second."""
    previous = measure()
    while True:
        time.sleep(0.5)
        current = measure()
        if current == previous:
            return current
        previous = current


def _flush_until_done(queue: str) -> dict[str, object]:
    """Sends flushes (as beat would) until one is not turned away by a live lease."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report = flush_usage.apply_async(queue=queue).get(timeout=60)
        if not report["busy"]:
            return dict(report)
        time.sleep(0.3)
    raise AssertionError("every flush found the lease held")


def test_a_worker_killed_mid_flush_then_restarted_leaves_exact_counts(
    stack: Container, workers: Workers
) -> None:
    recorder, keys = stack.usage.recorder(), stack.usage.keys()
    expected = {f"01ORG{i:05d}": 1 + i % 7 for i in range(COUNTERS)}
    for org, amount in expected.items():
        recorder.record(org_id=org, counter="agent.run", amount=amount, at=AT)

    doomed = workers.start()
    flush_usage.apply_async(queue=workers.queue)
    _wait_for(lambda: len(_stored(stack)) >= 60, 60, "the flush to apply some counters")
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=10)
    applied_before_kill = _settled(lambda: len(_stored(stack)))  # requests in flight land
    assert applied_before_kill < COUNTERS, "the kill came after the flush had finished"
    assert buffered(stack)[keys.flushing] == COUNTERS  # left for the next flush to resume

    for i in range(0, COUNTERS, 10):  # events keep coming while no worker runs
        recorder.record(org_id=f"01ORG{i:05d}", counter="agent.run", at=AT)
        expected[f"01ORG{i:05d}"] += 1

    workers.start()
    report = _flush_until_done(workers.queue)
    assert report["resumed"] and len(report["flush_ids"]) == 2  # type: ignore[arg-type]
    assert report["skipped"] == applied_before_kill
    assert report["applied"] == COUNTERS - applied_before_kill + COUNTERS // 10
    assert _stored(stack) == {usage_partition(org, "agent.run"): n for org, n in expected.items()}
    assert stack.usage.counts().daily("01ORG00000", "agent.run", FAR_PAST, FAR_FUTURE) == {
        DAY: expected["01ORG00000"]
    }
    assert buffered(stack) == {keys.pending: 0, keys.flushing: 0}
