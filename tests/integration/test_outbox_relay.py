"""The outbox relay and the tasks' dead letters: in-process over moto, and with a real
`celery worker` process on Redis over moto's server in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.management import call_command

from adapters.events.relay import relay_once
from domains.shared.errors import Unavailable
from domains.shared.events import DomainEvent
from domains.shared.tenancy import Principal
from nexus.container import Container
from tests.integration.served import served_container

REPO = Path(__file__).resolve().parents[2]
FEATURES = ("project_management",)


def _changes(root: Container, workspaces: int) -> str:
    """An organisation and `workspaces` workspaces: 1 + 2 x `workspaces` events... of which
    the organisation's own create writes none yet (identity publishes no events)."""
    user = f"u{uuid.uuid4().hex[:10]}"
    org = root.identity.organizations().create(principal=Principal(user), name="Relay org")
    ctx = root.tenancy().resolve(Principal(user), org.id)
    for n in range(workspaces):
        root.projects.workspaces().create(ctx=ctx, name=f"W{n}")
    return org.id


def _pending(root: Container) -> list[DomainEvent]:
    outbox = root.outbox()
    return [e for shard in range(10) for e in outbox.pending(shard, limit=1000)]


def test_the_relay_hands_every_event_on_once_then_forgets_it(make_stack):  # type: ignore[no-untyped-def]
    root = make_stack(FEATURES)
    _changes(root, 5)
    assert len(_pending(root)) == 5
    handed: list[DomainEvent] = []
    assert relay_once(root.outbox(), handed.append) == 5
    assert sorted(e.name for e in handed) == ["WorkspaceCreated"] * 5
    assert _pending(root) == [] and relay_once(root.outbox(), handed.append) == 0


def test_a_broker_outage_delays_events_and_loses_none(make_stack):  # type: ignore[no-untyped-def]
    root = make_stack(FEATURES)
    _changes(root, 6)
    handed: list[DomainEvent] = []

    def flaky(event: DomainEvent) -> None:
        if len(handed) == 2:
            raise Unavailable("broker down")
        handed.append(event)

    with pytest.raises(Unavailable):
        relay_once(root.outbox(), flaky)
    assert len(handed) == 2 and len(_pending(root)) == 4
    relay_once(root.outbox(), handed.append)  # the broker is back
    assert len({e.id for e in handed}) == 6 and _pending(root) == []


# -- with a real worker ------------------------------------------------------------------------


@pytest.fixture
def redis_url() -> str:
    from nexus.config import config

    url = config().redis_url
    redis.Redis.from_url(url, socket_connect_timeout=1).ping()  # ensure-redis.sh started one
    return url


@pytest.fixture
def served(tf_moto_endpoint, monkeypatch) -> Iterator[Container]:  # type: ignore[no-untyped-def]
    """The container over moto's server in its own process, so a worker sees the same store."""
    yield from served_container(monkeypatch, tf_moto_endpoint, FEATURES)


@pytest.fixture
def worker(served, redis_url) -> Iterator[str]:  # type: ignore[no-untyped-def]
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "NEXUS_REDIS_URL": redis_url, "NEXUS_CELERY_QUEUE": queue}
    cmd = [
        sys.executable, "-m", "celery", "-A", "nexus.celery_app", "worker",
        "--pool=prefork", "--concurrency=2", "-Q", queue, "--loglevel=WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    process = subprocess.Popen(cmd, cwd=REPO, env=env)
    try:
        yield queue
    finally:
        process.terminate()
        process.wait(timeout=20)


def _until(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_a_worker_relays_the_outbox_and_delivers_each_event(served, worker):  # type: ignore[no-untyped-def]
    from nexus.tasks import relay_outbox

    _changes(served, 3)
    relayed = relay_outbox.apply_async(queue=worker).get(timeout=30)
    assert relayed == 3 and _pending(served) == []


def test_a_task_failing_for_good_is_dead_lettered_and_can_be_requeued(served, worker):  # type: ignore[no-untyped-def]
    from nexus.tasks import deliver_event

    broken = {"id": "not-an-event"}  # no name, no time: fails at once, not worth a retry
    deliver_event.apply_async(args=[broken], queue=worker)
    letters = _until(lambda: served.dead_letters().list())
    assert [(x.task, x.args) for x in letters] == [("nexus.deliver_event", [broken])]
    assert "KeyError" in letters[0].error and letters[0].queue == worker, letters[0]
    call_command("requeue_dead_letters", "--id", letters[0].id)
    # sent again, it fails again and is kept again: a new letter with the same arguments
    again = _until(lambda: [x for x in served.dead_letters().list() if x.id != letters[0].id])
    assert [(x.task, x.args) for x in again] == [("nexus.deliver_event", [broken])]
    assert letters[0].id not in {x.id for x in served.dead_letters().list()}


def test_tasks_retry_transient_failures_with_backoff_and_jitter():
    from nexus.tasks import NexusTask, deliver_event, relay_outbox

    for task in (deliver_event, relay_outbox):
        assert isinstance(task, NexusTask) and task.acks_late
    assert Unavailable in NexusTask.autoretry_for and NexusTask.retry_jitter is True
    assert NexusTask.retry_backoff and NexusTask.max_retries >= 3
