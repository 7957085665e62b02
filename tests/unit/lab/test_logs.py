"""The log service over in-memory fakes: batches (checks, roles, the run's experiment, ids
derived from the batch key, usage), newest-first reads with filters, and tailing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domains.lab.logs.model import LogLine
from domains.lab.logs.services import SETTLE, USAGE_COUNTER, LogQuery, LogService
from domains.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domains.shared.pagination import PageRequest
from tests.fakes.lab_logs import InMemoryLogStore
from tests.fakes.prompts import RecordingUsage
from tests.unit.lab.tracking_world import OTHER_ORG, PROJECT, TrackingWorld


@pytest.fixture
def world() -> TrackingWorld:
    return TrackingWorld()


def _setup(world: TrackingWorld) -> tuple[LogService, InMemoryLogStore, RecordingUsage, str, str]:
    store, usage = InMemoryLogStore(world.clock), RecordingUsage()
    logs = LogService(
        uow=world.uow,  # type: ignore[arg-type]  # the fake's datasets lag the port (as in tracking_world)
        store=store,
        projects=world.projects,
        clock=world.clock,
        usage=usage,
    )
    editor = world.person("editor")
    exp = world.experiments.create(ctx=editor, project_id=PROJECT, name="e1")
    run = world.runs.create(ctx=editor, experiment_id=exp.id)
    return logs, store, usage, exp.id, run.id


def line(message: str, **extra: object) -> LogLine:
    return LogLine(
        str(extra.get("component", "trainer")),
        str(extra.get("severity", "info")),
        message,
        extra.get("timestamp"),  # type: ignore[arg-type]
        extra.get("run_id"),  # type: ignore[arg-type]
    )


def test_post_checks_and_counts(world: TrackingWorld) -> None:
    logs, _, usage, exp, run = _setup(world)
    editor = world.person("editor")
    posted = logs.post(ctx=editor, experiment_id=exp, lines=[line("a", run_id=run), line("b")])
    assert posted.received == 2 and posted.log_ids == sorted(posted.log_ids)
    assert usage.recorded == [(editor.org_id, USAGE_COUNTER, 2)]
    now = world.clock.now()
    for bad in (
        [],
        [line("x")] * 501,
        [line("x", severity="fatal")],
        [line("x", component="a#b")],
        [line("x", timestamp=now + timedelta(hours=1))],
        [line("x", run_id="nope")],
    ):
        with pytest.raises(ValidationFailed):
            logs.post(ctx=editor, experiment_id=exp, lines=bad)
    other_exp = world.experiments.create(ctx=editor, project_id=PROJECT, name="e2")
    other_run = world.runs.create(ctx=editor, experiment_id=other_exp.id)
    with pytest.raises(ValidationFailed):
        logs.post(ctx=editor, experiment_id=exp, lines=[line("x", run_id=other_run.id)])
    with pytest.raises(Forbidden):
        logs.post(ctx=world.person("viewer"), experiment_id=exp, lines=[line("x")])
    with pytest.raises(NotFound):
        logs.post(ctx=world.person("editor", org=OTHER_ORG), experiment_id=exp, lines=[line("x")])
    world.experiments.delete(ctx=world.person("admin"), experiment_id=other_exp.id)
    with pytest.raises(Conflict):
        logs.post(ctx=editor, experiment_id=other_exp.id, lines=[line("x")])


def test_a_keyed_batch_retried_later_writes_the_same_lines(world: TrackingWorld) -> None:
    logs, store, _, exp, _ = _setup(world)
    editor = world.person("editor")
    first = logs.post(ctx=editor, experiment_id=exp, lines=[line("a"), line("b")], batch_key="k")
    world.clock.advance(seconds=30)
    again = logs.post(ctx=editor, experiment_id=exp, lines=[line("a"), line("b")], batch_key="k")
    assert again.log_ids == first.log_ids and again.received_at == first.received_at
    assert len(store.lines) == 2
    logs.post(ctx=editor, experiment_id=exp, lines=[line("a")], batch_key="other")
    assert len(store.lines) == 3


def test_reads_filter_and_tail_once_with_late_lines(world: TrackingWorld) -> None:
    logs, _, _, exp, run = _setup(world)
    editor, viewer = world.person("editor"), world.person("viewer")
    old = world.clock.now() - timedelta(hours=2)
    logs.post(
        ctx=editor,
        experiment_id=exp,
        lines=[line("a", run_id=run), line("w", severity="warning", component="io")],
    )
    world.clock.advance(seconds=3)
    page, tail_from = logs.list(ctx=viewer, experiment_id=exp, query=LogQuery(), page=PageRequest())
    assert [e.message for e in page.items] == ["w", "a"]
    warn = LogQuery(min_severity="warning")
    assert [
        e.message
        for e in logs.list(ctx=viewer, experiment_id=exp, query=warn, page=PageRequest())[0].items
    ] == ["w"]
    by_run = LogQuery(run_id=run)
    assert [
        e.message
        for e in logs.list(ctx=viewer, experiment_id=exp, query=by_run, page=PageRequest())[0].items
    ] == ["a"]
    logs.post(ctx=editor, experiment_id=exp, lines=[line("late", timestamp=old)])
    fresh = logs.tail(ctx=viewer, experiment_id=exp, query=LogQuery(), since=tail_from)
    assert fresh.items == []  # younger than the settle window
    world.clock.advance(seconds=SETTLE.total_seconds() + 1)
    tail = logs.tail(ctx=viewer, experiment_id=exp, query=LogQuery(), since=fresh.cursor)
    assert [e.message for e in tail.items] == ["late"] and not tail.more
    assert logs.tail(ctx=viewer, experiment_id=exp, query=LogQuery(), since=tail.cursor).items == []
    with pytest.raises(ValidationFailed):
        logs.tail(ctx=viewer, experiment_id=exp, query=LogQuery(), since="x")
    with pytest.raises(NotFound):
        logs.list(ctx=viewer, experiment_id=exp, query=LogQuery(run_id="nope"), page=PageRequest())
    with pytest.raises(NotFound):
        logs.list(ctx=world.person(None), experiment_id=exp, query=LogQuery(), page=PageRequest())


def test_expired_lines_are_not_read(world: TrackingWorld) -> None:
    logs, _, _, exp, _ = _setup(world)
    logs.post(ctx=world.person("editor"), experiment_id=exp, lines=[line("a")])
    world.clock.advance(days=31)
    page, _ = logs.list(
        ctx=world.person("viewer"), experiment_id=exp, query=LogQuery(), page=PageRequest()
    )
    assert page.items == []
