"""Logging and reading runs on fakes: who may, what is written with a run (audit, event,
usage), the table-level Idempotency-Key replay, the filters and the expiry on read."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from domains.agents.runs.model import RETENTION, RunError, RunStep
from domains.agents.runs.ports import RunFilter
from domains.agents.runs.selectors import run_filter
from domains.shared.errors import Forbidden, NotFound, ValidationFailed
from domains.shared.ids import id_timestamp_ms, new_id
from domains.shared.pagination import PageRequest

from .conftest import ORG, OTHER_ORG, World


def test_an_editor_logs_a_run_with_its_audit_event_and_usage(world: World) -> None:
    editor = world.person("editor")
    step = RunStep("n1", "succeeded", world.started(), 40, 12, Decimal("0.001"))
    run = world.log(
        editor,
        model="gpt-4o-mini",
        tokens_in=1200,
        tokens_out=350,
        cost=Decimal("0.0042"),
        agent_version=3,
        inputs={"q": 0.1},
        outputs=["a"],
        steps=(step,),
    )
    assert run.project_id == world.agent.project_id and run.user_id == editor.principal.user_id
    assert id_timestamp_ms(run.id) == int(run.started_at.timestamp() * 1000)
    assert world.selector.get(ctx=editor, agent_id=world.agent.id, run_id=run.id) == run
    [entry], [event] = world.store.audit, world.store.events
    assert entry.action == "agent.run_log" and event.name == "AgentRunLogged"
    assert event.resource_type == "agent_run" and event.resource_id == run.id
    assert event.data == {
        "agent_id": world.agent.id,
        "project_id": world.agent.project_id,
        "run_id": run.id,
        "user": editor.principal.user_id,
        "version": 3,
        "status": "succeeded",
        "started_at": event.data["started_at"],
        "duration_ms": 1500,
        "tokens_in": 1200,
        "tokens_out": 350,
        "cost": "0.0042",
        "model": "gpt-4o-mini",
    }
    assert event.data["started_at"].endswith("Z")
    assert world.usage.recorded == [(ORG, "agent.run", 1)]


def test_viewers_read_but_do_not_log_and_strangers_see_nothing(world: World) -> None:
    run = world.log(world.person("editor"))
    viewer = world.person("viewer")
    assert world.selector.get(ctx=viewer, agent_id=world.agent.id, run_id=run.id) == run
    with pytest.raises(Forbidden):
        world.log(viewer)
    with pytest.raises(Forbidden):  # an org viewer lacks agent:execute
        world.log(world.person("editor", org_role="viewer"))
    for stranger in (world.person(None), world.person("editor", org=OTHER_ORG)):
        with pytest.raises(NotFound):
            world.selector.get(ctx=stranger, agent_id=world.agent.id, run_id=run.id)
        with pytest.raises(NotFound):
            world.log(stranger)
    with pytest.raises(NotFound):
        world.selector.get(ctx=viewer, agent_id=world.agent.id, run_id=new_id())
    with pytest.raises(NotFound):
        world.selector.get(ctx=viewer, agent_id=world.agent.id, run_id="not-an-id")
    assert len(world.store.runs) == 1


def test_an_api_key_logs_with_agent_execute_only(world: World) -> None:
    key = world.key("agent:execute")
    run = world.log(key)
    assert run.actor == f"apikey:{key.principal.api_key_id}"
    assert run.user_id == key.principal.user_id
    assert world.store.events[0].actor_id == run.actor
    with pytest.raises(Forbidden):
        world.log(world.key("agent:read"))


def test_a_replayed_key_returns_the_first_run_and_writes_nothing(world: World) -> None:
    editor = world.person("editor")
    body = {"status": "failed", "started_at": world.started(), "duration_ms": 9}
    first, again = (
        world.runs.log(ctx=editor, agent_id=world.agent.id, idempotency_key="k1", **body)
        for _ in range(2)
    )
    assert first == (again[0], False) and again[1] is True
    assert len(world.store.runs) == 1 and len(world.store.events) == 1
    assert len(world.usage.recorded) == 1
    with pytest.raises(ValidationFailed) as reused:
        world.runs.log(
            ctx=editor, agent_id=world.agent.id, idempotency_key="k1", **{**body, "duration_ms": 8}
        )
    assert reused.value.errors[0]["loc"] == ["header", "Idempotency-Key"]
    # keys are each principal's own
    other = world.runs.log(
        ctx=world.person("editor"), agent_id=world.agent.id, idempotency_key="k1", **body
    )
    assert other[1] is False and len(world.store.runs) == 2


def test_a_race_on_one_key_makes_one_run(world: World) -> None:
    """The second post's transaction loses on the key's IDEM# item and reads the winner's."""
    editor = world.person("editor")
    body = {"status": "failed", "started_at": world.started(), "duration_ms": 9}
    calls = []

    class Blind(dict):  # type: ignore[type-arg]
        """Misses the key on the first look only, as a read racing the winner's write does."""

        def get(self, key, default=None):  # type: ignore[no-untyped-def]
            calls.append(key)
            return None if len(calls) == 1 else super().get(key, default)

    winner, _ = world.runs.log(ctx=editor, agent_id=world.agent.id, idempotency_key="k", **body)
    world.store.replays = Blind(world.store.replays)
    loser, replayed = world.runs.log(
        ctx=editor, agent_id=world.agent.id, idempotency_key="k", **body
    )
    assert loser == winner and replayed and len(world.store.runs) == 1
    assert len(calls) == 2 and len(world.store.events) == 1


def test_lists_filter_by_status_version_user_and_start_newest_first(world: World) -> None:
    ada, bob = world.person("editor"), world.person("editor")
    made = [
        world.log(ada, started_at=world.started(hours=5)),
        world.log(bob, started_at=world.started(hours=4), agent_version=2),
        world.log(
            ada,
            started_at=world.started(hours=3),
            status="failed",
            error=RunError("Timeout", "slow"),
        ),
        world.log(bob, started_at=world.started(hours=2), agent_version=2, status="failed"),
    ]

    def ids(**filters: object) -> list[str]:
        page = world.selector.list(
            ctx=ada,
            agent_id=world.agent.id,
            page=PageRequest(10),
            where=run_filter(**filters),  # type: ignore[arg-type]
        )
        return [r.id for r in page.items]

    assert ids() == [r.id for r in reversed(made)]
    assert ids(status="failed") == [made[3].id, made[2].id]
    assert ids(version=2) == [made[3].id, made[1].id]
    assert ids(user=bob.principal.user_id, status="failed") == [made[3].id]
    assert ids(started_from=made[1].started_at, started_to=made[2].started_at) == [
        made[2].id,
        made[1].id,
    ]
    with pytest.raises(ValidationFailed):
        run_filter(status="nope")


def test_runs_past_their_expiry_are_gone_from_every_read(world: World) -> None:
    editor = world.person("editor")
    old = world.log(editor, started_at=world.started(days=179))
    new = world.log(editor)
    world.clock.advance(days=1, hours=1)
    page = world.selector.list(
        ctx=editor, agent_id=world.agent.id, page=PageRequest(10), where=RunFilter()
    )
    assert [r.id for r in page.items] == [new.id]
    with pytest.raises(NotFound):
        world.selector.get(ctx=editor, agent_id=world.agent.id, run_id=old.id)
    assert old.expires_at == old.started_at + RETENTION


def test_a_deleted_agent_hides_its_runs_but_staff_still_list_them(world: World) -> None:
    from domains.shared.tenancy import Principal

    editor = world.person("editor")
    run = world.log(editor)
    del world.store.agents[(ORG, world.agent.id)]
    with pytest.raises(NotFound):
        world.selector.get(ctx=editor, agent_id=world.agent.id, run_id=run.id)
    staff = Principal(new_id(), is_staff=True)
    listed = world.selector.staff_list(
        principal=staff, org_id=ORG, agent_id=world.agent.id, page=PageRequest(5)
    )
    assert [r.id for r in listed.items] == [run.id]
    with pytest.raises(Forbidden):
        world.selector.staff_list(
            principal=replace(staff, is_staff=False),
            org_id=ORG,
            agent_id=world.agent.id,
            page=PageRequest(5),
        )
    assert timedelta(0) < run.expires_at - world.clock.now() <= RETENTION
