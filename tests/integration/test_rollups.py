"""Roll-ups end to end over moto in-process: real project changes leave the outbox through the
relay to the consumers, the beat's task rolls up the hours they marked; an event delivered
again and `manage.py recompute_rollups` leave exactly the same items."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from adapters.dynamodb.aggregated_keys import DIRTY_PARTITION
from adapters.dynamodb.codec import decode_item
from adapters.events.relay import relay_once
from domains.analytics.metrics import METRICS
from domains.shared.events import DomainEvent, event_payload
from domains.shared.tenancy import Principal
from nexus.container import Container
from nexus.events import dispatch
from nexus.tasks import deliver_event
from nexus.tasks_analytics import roll_up_dirty


@pytest.fixture
def root(make_stack) -> Container:  # type: ignore[no-untyped-def]
    return make_stack(("project_management", "analytics"))  # type: ignore[no-any-return]


def _org(root: Container, workspaces: int, members: int = 0) -> str:
    user = f"u{uuid.uuid4().hex[:10]}"
    org = root.identity.organizations().create(principal=Principal(user), name="Roll-up org")
    ctx = root.tenancy().resolve(Principal(user), org.id)
    for n in range(workspaces):
        ws = root.projects.workspaces().create(ctx=ctx, name=f"W{n}")
        root.projects.projects().create(ctx=ctx, workspace_id=ws.id, name=f"P{n}")
    return org.id


def _relay(root: Container) -> list[DomainEvent]:
    sent: list[DomainEvent] = []

    def send(event: DomainEvent) -> None:
        sent.append(event)
        dispatch(event)

    relay_once(root.outbox(), send, limit=1000)
    return sent


def _items(root: Container) -> dict[tuple[str, str], dict[str, Any]]:
    """Every item of `aggregated-analytics` (a Scan: a test may), by key."""
    items = root.gateways.dynamo().scan("aggregated-analytics")["Items"]
    decoded = (decode_item(item) for item in items)
    return {(i["pk"], i["sk"]): i for i in decoded}


def _rollups(root: Container) -> dict[tuple[str, str], dict[str, Any]]:
    return {k: v for k, v in _items(root).items() if "#METRIC#" in k[0]}


def _dirty(root: Container) -> list[tuple[str, str]]:
    return [k for k in _items(root) if k[0] == DIRTY_PARTITION]


def test_the_beat_task_rolls_up_what_the_consumers_marked(root):  # type: ignore[no-untyped-def]
    first, second = _org(root, 2), _org(root, 1)
    events = _relay(root)
    assert len(events) == 6 and len(_dirty(root)) >= 2  # one hour each (two near its end)
    report = roll_up_dirty()
    assert report["cleared"] == report["marks"] and _dirty(root) == []
    stored = _rollups(root)
    days = {k: v for k, v in stored.items() if k[0].endswith("#day")}
    projects = {k[0].split("#")[1]: v["values"] for k, v in days.items() if "#projects#" in k[0]}
    assert projects == {
        first: {"projects_created": 2, "workspaces_created": 2, "member_changes": 0},
        second: {"projects_created": 1, "workspaces_created": 1, "member_changes": 0},
    }
    assert roll_up_dirty() == {"hours": 0, "days": 0, "marks": 0, "cleared": 0}


def test_redelivery_and_recompute_leave_the_same_items(root):  # type: ignore[no-untyped-def]
    org_id = _org(root, 3)
    events = _relay(root)
    roll_up_dirty()
    before = _rollups(root)
    periods = {e.at.strftime("%Y-%m-%dT%H") for e in events} | {e.at.strftime("%F") for e in events}
    assert len(before) == len(METRICS) * len(periods)  # every metric per hour and per day
    deliver_event(event_payload(events[0]))  # the task, as a worker would run it again
    assert len(_dirty(root)) == 1
    roll_up_dirty()
    assert _rollups(root) == before and _dirty(root) == []
    now = datetime.now(UTC)
    window = ["--from", f"{now - timedelta(days=1):%Y-%m-%dT%H:%M}", "--to", now.isoformat()]
    out = io.StringIO()
    call_command("recompute_rollups", *window, stdout=out)  # every organisation with activity
    assert f"{org_id}: " in out.getvalue() and "1 organisations" in out.getvalue()
    assert _rollups(root) == before
    call_command("recompute_rollups", *window, "--org", org_id, "--granularity", "day", stdout=out)
    assert _rollups(root) == before


def test_recompute_rebuilds_lost_rollups(root):  # type: ignore[no-untyped-def]
    org_id = _org(root, 1)
    _relay(root)
    roll_up_dirty()
    before = _rollups(root)
    dynamo = root.gateways.dynamo()
    for pk, sk in before:  # lost (or never computed: activity from before roll-ups)
        dynamo.delete_item("aggregated-analytics", Key={"pk": {"S": pk}, "sk": {"S": sk}})
    now = datetime.now(UTC)
    start = f"{now - timedelta(hours=3):%Y-%m-%dT%H:%M:%S}"
    call_command(
        "recompute_rollups",
        "--from",
        start,
        "--to",
        f"{now:%Y-%m-%dT%H:%M:%SZ}",
        "--org",
        org_id,
        stdout=io.StringIO(),
    )
    assert _rollups(root) == before
