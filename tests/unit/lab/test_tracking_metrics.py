"""Metric logging on fakes: validation, latest values kept on the run over concurrent
loggers, idempotent batches, histories and down-sampling."""

from __future__ import annotations

import pytest

from domains.lab.tracking.model import MetricPoint
from domains.lab.tracking.services.metrics import downsample
from domains.shared.errors import Forbidden, ValidationFailed
from tests.unit.lab.tracking_world import PROJECT, TrackingWorld


@pytest.fixture
def world() -> TrackingWorld:
    return TrackingWorld()


def _run(world: TrackingWorld):  # type: ignore[no-untyped-def]
    editor = world.person("editor")
    exp = world.experiments.create(ctx=editor, project_id=PROJECT, name="e")
    return editor, world.runs.create(ctx=editor, experiment_id=exp.id)


def test_latest_value_is_the_highest_step_then_the_latest_time(world: TrackingWorld) -> None:
    editor, run = _run(world)
    world.metrics.log(
        ctx=editor,
        run_id=run.id,
        points=[MetricPoint("loss", 0.9, 10, 5), MetricPoint("loss", 0.7, 5, 5)],
    )
    world.metrics.log(ctx=editor, run_id=run.id, points=[MetricPoint("loss", 2.0, 99, 1)])
    latest = world.runs.get(ctx=editor, run_id=run.id).latest_metrics["loss"]
    assert (latest.value, latest.step, latest.timestamp) == (0.9, 5, 10)
    assert world.runs.get(ctx=editor, run_id=run.id).version == 1  # not an edit: ETag stays


def test_a_concurrent_logger_does_not_lose_the_other_keys(world: TrackingWorld) -> None:
    editor, run = _run(world)
    uow = world.uow()
    real = type(uow.runs).record_latest
    raced = {"done": False}

    def racing(self, r, latest):  # type: ignore[no-untyped-def]
        if not raced["done"]:
            raced["done"] = True  # another batch lands its own key first
            assert real(self, r, {"acc": MetricPoint("acc", 0.5, 1, 1)})
        return real(self, r, latest)

    type(uow.runs).record_latest = racing  # type: ignore[method-assign]
    try:
        world.metrics.log(ctx=editor, run_id=run.id, points=[MetricPoint("loss", 1.0, 1, 1)])
    finally:
        type(uow.runs).record_latest = real  # type: ignore[method-assign]
    assert set(world.runs.get(ctx=editor, run_id=run.id).latest_metrics) == {"acc", "loss"}


def test_batches_are_checked_and_idempotent(world: TrackingWorld) -> None:
    editor, run = _run(world)
    for bad in (
        [],
        [MetricPoint("a", float("nan"), 1, 0)],
        [MetricPoint("a", 1.0, -1, 0)],
        [MetricPoint("a", 1.0, 1, -2)],
        [MetricPoint("a", 1.0, 1, 10**12)],
        [MetricPoint("a", 1.0, 10**15, 0)],
        [MetricPoint("a/../b", 1.0, 1, 0)],
        [MetricPoint("a", 1.0, 1, 0)] * 1001,
    ):
        with pytest.raises(ValidationFailed):
            world.metrics.log(ctx=editor, run_id=run.id, points=bad)
    with pytest.raises(Forbidden):
        world.metrics.log(
            ctx=world.person("viewer"), run_id=run.id, points=[MetricPoint("a", 1, 1)]
        )
    points = [MetricPoint("a", float(s), s, s) for s in range(250)]
    first = world.metrics.log(ctx=editor, run_id=run.id, points=points, batch_id="b")
    again = world.metrics.log(ctx=editor, run_id=run.id, points=points, batch_id="b")
    assert (first.written, again.written, again.received) == (250, 0, 250)
    history = world.metrics.history(ctx=editor, run_id=run.id, key="a", max_points=10_000)
    assert history.points == points and history.total == 250 and not history.downsampled
    ranged = world.metrics.history(ctx=editor, run_id=run.id, key="a", step_from=10, step_to=12)
    assert [p.step for p in ranged.points] == [10, 11, 12]
    timed = world.metrics.history(ctx=editor, run_id=run.id, key="a", time_from=3, time_to=4)
    assert [p.step for p in timed.points] == [3, 4]
    with pytest.raises(ValidationFailed):
        world.metrics.history(ctx=editor, run_id=run.id, key="a", step_from=5, step_to=1)


def test_downsampling_keeps_the_extremes_in_order() -> None:
    values = [0.0] * 1000
    values[377] = 50.0
    values[612] = -50.0
    points = [MetricPoint("k", v, i, i) for i, v in enumerate(values)]
    kept = downsample(points, 40)
    assert len(kept) <= 40 and [p.step for p in kept] == sorted(p.step for p in kept)
    assert {377, 612} <= {p.step for p in kept}
    assert downsample(points[:30], 40) == points[:30]
