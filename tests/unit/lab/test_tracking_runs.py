"""Run use cases on fakes: lifecycle, RunFinished, params immutability, retries without
If-Match, search parsing and ordering."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domains.lab.tracking.model import MetricPoint
from domains.lab.tracking.search import parse_query
from domains.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    ValidationFailed,
)
from domains.shared.pagination import PageRequest
from tests.fakes.tracking import InMemoryRuns
from tests.unit.lab.tracking_world import PROJECT, TrackingWorld


@pytest.fixture
def world() -> TrackingWorld:
    return TrackingWorld()


def _experiment(world: TrackingWorld):  # type: ignore[no-untyped-def]
    editor = world.person("editor")
    return editor, world.experiments.create(ctx=editor, project_id=PROJECT, name="e")


def test_lifecycle_moves_forward_and_finishing_publishes_run_finished(world: TrackingWorld) -> None:
    editor, exp = _experiment(world)
    run = world.runs.create(ctx=editor, experiment_id=exp.id, status="scheduled")
    assert run.name.startswith("run-") and run.started_at == world.clock.now()
    with pytest.raises(Conflict):
        world.runs.update(ctx=editor, run_id=run.id, expected_version=None, status="finished")
    world.runs.update(ctx=editor, run_id=run.id, expected_version=1, status="running")
    world.clock.advance(seconds=90)
    done = world.runs.update(ctx=editor, run_id=run.id, expected_version=2, status="failed")
    assert done.ended_at == world.clock.now() and done.duration_ms == 90_000
    finished = world.store.events[-1]
    assert finished.name == "RunFinished" and finished.resource_id == run.id
    assert finished.data == {
        "experiment_id": exp.id,
        "project_id": PROJECT,
        "status": "failed",
        "duration_ms": 90_000,
    }
    for later in ("running", "finished"):
        with pytest.raises(Conflict):
            world.runs.update(ctx=editor, run_id=run.id, expected_version=None, status=later)
    same = world.runs.update(ctx=editor, run_id=run.id, expected_version=None, status="failed")
    assert same.ended_at == done.ended_at  # asking for the status it has changes no end


def test_an_error_kind_is_published_with_a_failed_or_killed_ending(world: TrackingWorld) -> None:
    editor, exp = _experiment(world)
    failed, killed, done = (world.runs.create(ctx=editor, experiment_id=exp.id) for _ in range(3))
    with pytest.raises(ValidationFailed):  # a finished run has no error
        world.runs.update(
            ctx=editor, run_id=done.id, expected_version=None, status="finished", error="Oops"
        )
    with pytest.raises(ValidationFailed):  # nor a change that does not end the run
        world.runs.update(ctx=editor, run_id=done.id, expected_version=None, error="Oops")
    world.runs.update(
        ctx=editor, run_id=failed.id, expected_version=None, status="failed", error="OutOfMemory"
    )
    assert world.store.events[-1].data["error"] == "OutOfMemory"
    world.runs.update(ctx=editor, run_id=killed.id, expected_version=None, status="killed")
    assert world.store.events[-1].name == "RunFinished"
    assert "error" not in world.store.events[-1].data  # none said: none published
    with pytest.raises(ValidationFailed):  # ended already: nothing ends now
        world.runs.update(
            ctx=editor, run_id=failed.id, expected_version=None, status="failed", error="X"
        )


def test_end_times_must_fit(world: TrackingWorld) -> None:
    editor, exp = _experiment(world)
    run = world.runs.create(ctx=editor, experiment_id=exp.id)
    before = world.clock.now() - timedelta(seconds=1)
    with pytest.raises(ValidationFailed):
        world.runs.update(ctx=editor, run_id=run.id, expected_version=None, ended_at=before)
    with pytest.raises(ValidationFailed):
        world.runs.update(
            ctx=editor, run_id=run.id, expected_version=None, status="killed", ended_at=before
        )


def test_params_are_immutable_and_tags_are_not(world: TrackingWorld) -> None:
    editor, exp = _experiment(world)
    run = world.runs.create(ctx=editor, experiment_id=exp.id, params={"lr": "0.1"})
    same = world.runs.log_params(ctx=editor, run_id=run.id, params={"lr": "0.1"})
    assert same.version == 1  # nothing to write
    with pytest.raises(Conflict):
        world.runs.log_params(ctx=editor, run_id=run.id, params={"lr": "0.2", "x": "1"})
    assert world.runs.get(ctx=editor, run_id=run.id).params == {"lr": "0.1"}
    more = world.runs.log_params(ctx=editor, run_id=run.id, params={"depth": 6}, tags={"t": "1"})  # type: ignore[dict-item]
    assert more.params == {"lr": "0.1", "depth": "6"} and more.tags == {"t": "1"}
    retagged = world.runs.update(
        ctx=editor, run_id=run.id, expected_version=None, tags={"t": "2"}, delete_tags=["x"]
    )
    assert retagged.tags == {"t": "2"}


def test_a_run_stays_one_item(world: TrackingWorld) -> None:
    editor, exp = _experiment(world)
    run = world.runs.create(ctx=editor, experiment_id=exp.id)
    big = {f"t{i}": "x" * 4000 for i in range(74)}  # 296,000+ characters: fits
    world.runs.update(ctx=editor, run_id=run.id, expected_version=None, tags=big)
    with pytest.raises(PayloadTooLarge):
        world.runs.log_params(
            ctx=editor, run_id=run.id, params={f"p{i}": "y" * 500 for i in range(8)}
        )
    with pytest.raises(PayloadTooLarge):
        world.runs.create(ctx=editor, experiment_id=exp.id, tags={**big, "t99": "x" * 4000})


def test_a_change_without_if_match_is_retried_over_a_concurrent_one(
    world: TrackingWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor, exp = _experiment(world)
    run = world.runs.create(ctx=editor, experiment_id=exp.id)
    real = InMemoryRuns.get
    calls = {"n": 0}

    def racing(self, org_id, run_id):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        stale = real(self, org_id, run_id)
        if calls["n"] == 1:  # another writer lands between our read and our write
            world.store.runs[(org_id, run_id)] = replace(stale, version=2, tags={"other": "1"})
        return stale

    monkeypatch.setattr(InMemoryRuns, "get", racing)
    changed = world.runs.log_params(ctx=editor, run_id=run.id, params={"a": "1"})
    assert calls["n"] == 2  # read, refused as stale, read again, written
    assert changed.version == 3 and changed.tags == {"other": "1"} and changed.params == {"a": "1"}
    calls["n"] = 0
    with pytest.raises(PreconditionFailed):
        world.runs.log_params(ctx=editor, run_id=run.id, params={"b": "1"}, expected_version=3)


def test_runs_need_roles_an_active_experiment_and_their_own_path(world: TrackingWorld) -> None:
    editor, exp = _experiment(world)
    viewer = world.person("viewer")
    with pytest.raises(Forbidden):
        world.runs.create(ctx=viewer, experiment_id=exp.id)
    run = world.runs.create(ctx=editor, experiment_id=exp.id)
    other = world.experiments.create(ctx=editor, project_id=PROJECT, name="other")
    with pytest.raises(NotFound):
        world.runs.get(ctx=viewer, run_id=run.id, experiment_id=other.id)
    with pytest.raises(NotFound):
        world.runs.get(ctx=world.person(None), run_id=run.id)
    world.experiments.delete(ctx=world.person("admin"), experiment_id=exp.id)
    with pytest.raises(Conflict):
        world.runs.create(ctx=editor, experiment_id=exp.id)
    with pytest.raises(Conflict):
        world.runs.update(ctx=editor, run_id=run.id, expected_version=None, status="killed")
    with pytest.raises(Conflict):
        world.metrics.log(ctx=editor, run_id=run.id, points=[MetricPoint("a", 1.0, 1)])
    assert world.runs.get(ctx=viewer, run_id=run.id).status == "running"  # still readable


def test_search_filters_and_sorts(world: TrackingWorld) -> None:
    editor, exp = _experiment(world)
    for i, acc in enumerate([0.5, 0.9, None, 0.7]):
        run = world.runs.create(ctx=editor, experiment_id=exp.id, name=f"r{i}", tags={"i": str(i)})
        if acc is not None:
            world.metrics.log(ctx=editor, run_id=run.id, points=[MetricPoint("acc", acc, 1, 0)])
        world.clock.advance(seconds=1)

    def names(**query: str) -> list[str]:
        page = world.runs.search(ctx=editor, experiment_id=exp.id, page=PageRequest(10), **query)
        return [r.name for r in page.items]

    assert names() == ["r3", "r2", "r1", "r0"]
    assert names(order_by="metrics.acc") == ["r0", "r3", "r1", "r2"]  # missing values last
    assert names(order_by="metrics.acc DESC") == ["r1", "r3", "r0", "r2"]
    assert names(filter="metrics.acc >= 0.7 AND tags.i != '1'") == ["r3"]
    assert names(order_by="attributes.start_time ASC") == ["r0", "r1", "r2", "r3"]


@pytest.mark.parametrize(
    ("filter_text", "order_by"),
    [
        ("metrics.acc > 'x'", None),
        ("params.lr > '1'", None),
        ("params.lr = 1", None),
        ("attributes.name = 'x'", None),
        ("attributes.status = 'paused'", None),
        ("acc > 1", None),
        (None, "params.lr"),
        (None, "attributes.name"),
    ],
)
def test_bad_searches_are_refused(filter_text: str | None, order_by: str | None) -> None:
    with pytest.raises(ValidationFailed):
        parse_query(filter_text, order_by)


def test_search_understands_quoted_keys_and_status() -> None:
    query = parse_query("metrics.`val loss` <= 2 and attributes.status = 'FINISHED'", None)
    assert [(c.kind, c.key, c.op, c.value) for c in query.clauses] == [
        ("metrics", "val loss", "<=", 2.0),
        ("attributes", "status", "=", "finished"),
    ]
