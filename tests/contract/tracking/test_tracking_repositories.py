"""Experiments, runs and metric series behave alike in memory and in DynamoDB."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domains.lab.tracking.model import DatasetUse, Experiment, MetricPoint, Run
from domains.lab.tracking.ports import TrackingUnitOfWork
from domains.lab.tracking.search import parse_query
from domains.shared.errors import Conflict, PreconditionFailed, ValidationFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest
from tests.contract.tracking.conftest import Backend

T0 = datetime(2026, 11, 1, tzinfo=UTC)
ORG, PROJECT = new_id(), new_id()


def _commit(backend: Backend, write: Callable[[TrackingUnitOfWork], None]) -> None:
    with backend.uow() as u:
        write(u)
        u.commit()


def _experiment(name: str, minutes: int = 0, **extra: object) -> Experiment:
    at = T0 + timedelta(minutes=minutes)
    base = Experiment(ORG, new_id(), PROJECT, name, "ada", at, at, "d", {"team": "vision"})
    return replace(base, **extra)  # type: ignore[arg-type]


def _run(experiment_id: str, minutes: int, **extra: object) -> Run:
    base = Run(
        ORG,
        new_id(),
        experiment_id,
        PROJECT,
        f"r{minutes}",
        "ada",
        T0 + timedelta(minutes=minutes),
        params={"lr": "0.1"},
        tags={"i": str(minutes)},
        datasets=(DatasetUse(new_id(), "3", "training"),),
    )
    return replace(base, **extra)  # type: ignore[arg-type]


def test_experiments_round_trip_names_and_lists(tracking: Backend) -> None:
    first, second = (
        _experiment("a", 1),
        _experiment("b", 2, lifecycle_stage="deleted", deleted_at=T0),
    )
    for e in (first, second):
        _commit(tracking, lambda u, e=e: u.experiments.add(e))
    with pytest.raises(Conflict):
        _commit(tracking, lambda u: u.experiments.add(_experiment("a")))
    with tracking.uow() as u:
        assert u.experiments.get(ORG, first.id) == replace(first, version=1)
        assert u.experiments.get(new_id(), first.id) is None
        assert u.experiments.get_by_name(ORG, "b") == replace(second, version=1)
        page = PageRequest(1)
        everything = u.experiments.list_project(ORG, PROJECT, lifecycle=None, page=page)
        rest = u.experiments.list_project(
            ORG, PROJECT, lifecycle=None, page=PageRequest(5, everything.next_cursor)
        )
        assert [e.id for e in everything.items + rest.items] == [second.id, first.id]
        active = u.experiments.list_project(ORG, PROJECT, lifecycle="active", page=PageRequest(5))
        assert [e.id for e in active.items] == [first.id]
        newest = u.experiments.list_org(ORG, lifecycle=None, page=PageRequest(1))
        older = u.experiments.list_org(ORG, lifecycle=None, page=PageRequest(5, newest.next_cursor))
        assert [e.id for e in newest.items + older.items] == [second.id, first.id]
        deleted = u.experiments.list_org(ORG, lifecycle="deleted", page=PageRequest(5))
        assert [e.id for e in deleted.items] == [second.id]
        assert u.experiments.list_org(new_id(), lifecycle=None, page=PageRequest(5)).items == []


def test_experiment_saves_are_versioned_and_move_the_name(tracking: Backend) -> None:
    exp = _experiment("a")
    _commit(tracking, lambda u: u.experiments.add(exp))
    renamed = replace(exp, version=1, name="b")
    _commit(tracking, lambda u: u.experiments.save(renamed, old_name="a"))
    with pytest.raises(PreconditionFailed):
        _commit(tracking, lambda u: u.experiments.save(replace(renamed, name="c"), old_name="b"))
    with tracking.uow() as u:
        assert u.experiments.get_by_name(ORG, "a") is None
        assert u.experiments.get_by_name(ORG, "b") == replace(renamed, version=2)
    _commit(tracking, lambda u: u.experiments.add(_experiment("a")))
    other = _experiment("c")
    _commit(tracking, lambda u: u.experiments.add(other))
    with pytest.raises(Conflict):
        _commit(
            tracking,
            lambda u: u.experiments.save(replace(other, version=1, name="b"), old_name="c"),
        )


def test_runs_round_trip_list_by_status_and_search(tracking: Backend) -> None:
    exp = new_id()
    runs = [_run(exp, m, status=s) for m, s in ((1, "running"), (2, "finished"), (3, "running"))]
    for r in runs:
        _commit(tracking, lambda u, r=r: u.runs.add(r))
    with tracking.uow() as u:
        for i, acc in enumerate((0.7, 0.9, 0.8)):
            stored = u.runs.get(ORG, runs[i].id)
            assert stored is not None
            assert u.runs.record_latest(stored, {"acc": MetricPoint("acc", acc, 5, 2)})
        assert u.runs.get(ORG, runs[0].id) == replace(
            runs[0], version=1, metrics_seq=1, latest_metrics={"acc": MetricPoint("acc", 0.7, 5, 2)}
        )
        newest = u.runs.list_experiment(ORG, exp, status=None, page=PageRequest(2))
        rest = u.runs.list_experiment(
            ORG, exp, status=None, page=PageRequest(2, newest.next_cursor)
        )
        assert [r.id for r in newest.items + rest.items] == [r.id for r in reversed(runs)]
        running = u.runs.list_experiment(ORG, exp, status="running", page=PageRequest(5))
        assert [r.id for r in running.items] == [runs[2].id, runs[0].id]
        query = parse_query("metrics.acc > 0.75", "metrics.acc DESC")
        first = u.runs.search(ORG, exp, status=None, query=query, page=PageRequest(1))
        second = u.runs.search(
            ORG, exp, status=None, query=query, page=PageRequest(1, first.next_cursor)
        )
        assert [r.id for r in first.items + second.items] == [runs[1].id, runs[2].id]
        assert second.next_cursor is None
        only = u.runs.search(ORG, exp, status="running", query=query, page=PageRequest(5))
        assert [r.id for r in only.items] == [runs[2].id]


def test_run_saves_are_versioned_and_leave_latest_metrics_alone(tracking: Backend) -> None:
    run = _run(new_id(), 1)
    _commit(tracking, lambda u: u.runs.add(run))
    with tracking.uow() as u:
        read = u.runs.get(ORG, run.id)
        assert read is not None
        assert u.runs.record_latest(read, {"loss": MetricPoint("loss", 0.3, 9, 4)})
        assert not u.runs.record_latest(read, {"loss": MetricPoint("loss", 0.1, 9, 5)})
    finished = replace(read, status="finished", ended_at=T0 + timedelta(hours=1), tags={})
    _commit(tracking, lambda u: u.runs.save(finished))
    with pytest.raises(PreconditionFailed):
        _commit(tracking, lambda u: u.runs.save(finished))
    with tracking.uow() as u:
        stored = u.runs.get(ORG, run.id)
        assert stored == replace(
            finished,
            version=2,
            metrics_seq=1,
            latest_metrics={"loss": MetricPoint("loss", 0.3, 9, 4)},
        )
        assert [
            r.id
            for r in u.runs.list_experiment(
                ORG, run.experiment_id, status="finished", page=PageRequest(5)
            ).items
        ] == [run.id]
        assert (
            u.runs.list_experiment(
                ORG, run.experiment_id, status="running", page=PageRequest(5)
            ).items
            == []
        )


def test_metric_series_append_read_ranges_and_retries(tracking: Backend) -> None:
    run = new_id()
    points = [MetricPoint("loss", 1 / (s + 1), 1000 + s, s) for s in range(350)]
    assert tracking.metrics.append(ORG, run, "loss", points, "") == 350
    assert tracking.metrics.history(ORG, run, "loss", step_from=0, step_to=10**9) == points
    assert tracking.metrics.history(ORG, run, "loss", step_from=99, step_to=201) == points[99:202]
    assert tracking.metrics.history(ORG, new_id(), "loss", step_from=0, step_to=10) == []
    again = [MetricPoint("loss", 5.0, 1, 120), MetricPoint("loss", 6.0, 0, 120)]
    assert tracking.metrics.append(ORG, run, "loss", again, "b1") == 2
    assert tracking.metrics.append(ORG, run, "loss", again, "b1") == 0
    at_120 = tracking.metrics.history(ORG, run, "loss", step_from=120, step_to=120)
    assert [p.value for p in at_120] == [6.0, 5.0, points[120].value]  # by step, then time


def test_many_points_at_one_step_spill_into_parts(tracking: Backend) -> None:
    run = new_id()
    points = [MetricPoint("m", float(i), i, 0) for i in range(950)]
    assert tracking.metrics.append(ORG, run, "m", points, "big") == 950
    assert tracking.metrics.append(ORG, run, "m", points, "big") == 0
    assert tracking.metrics.append(ORG, run, "m", points[:30], "small") == 30
    stored = tracking.metrics.history(ORG, run, "m", step_from=0, step_to=0)
    assert stored == sorted(points + points[:30], key=lambda p: p.timestamp)


def test_a_search_looks_at_the_newest_runs_only(
    tracking: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bound (SEARCH_BOUND, 1,000) made small: older runs are not searched."""
    import adapters.dynamodb.lab.tracking as dynamo_tracking
    import tests.fakes.tracking as fake_tracking

    for module in (dynamo_tracking, fake_tracking):
        monkeypatch.setattr(module, "SEARCH_BOUND", 3)
    exp = new_id()
    runs = [_run(exp, m) for m in range(5)]
    for r in runs:
        _commit(tracking, lambda u, r=r: u.runs.add(r))
    query = parse_query("params.lr = '0.1'", "attributes.start_time ASC")
    with tracking.uow() as u:
        found = u.runs.search(ORG, exp, status=None, query=query, page=PageRequest(10))
    assert [r.id for r in found.items] == [r.id for r in runs[2:]]


def test_the_largest_run_the_model_allows_is_stored(tracking: Backend) -> None:
    """check_run_size's bound (300,000 characters of params and tags) fits DynamoDB's 400 KB,
    with 500 latest metric values beside it."""
    from domains.lab.tracking.model import MAX_RUN_TEXT, check_run_size

    tags = {f"t{i:03d}": "x" * 4000 for i in range(MAX_RUN_TEXT // 4004)}
    latest = {
        f"metric/{i:03d}": MetricPoint(f"metric/{i:03d}", 0.123456789, 1, 9) for i in range(500)
    }
    run = check_run_size(_run(new_id(), 1, tags=tags))
    _commit(tracking, lambda u: u.runs.add(run))
    with tracking.uow() as u:
        stored = u.runs.get(ORG, run.id)
        assert stored is not None and u.runs.record_latest(stored, latest)
        assert u.runs.get(ORG, run.id) == replace(
            run, version=1, metrics_seq=1, latest_metrics=latest
        )


def test_the_highest_steps_sort_after_the_lowest(tracking: Backend) -> None:
    from domains.lab.tracking.model import MAX_STEP

    run = new_id()
    points = [MetricPoint("m", 1.0, 1, 5), MetricPoint("m", 2.0, 2, MAX_STEP - 1)]
    tracking.metrics.append(ORG, run, "m", points, "")
    assert tracking.metrics.history(ORG, run, "m", step_from=0, step_to=MAX_STEP - 1) == points
    assert tracking.metrics.history(ORG, run, "m", step_from=6, step_to=MAX_STEP - 1) == points[1:]


def test_a_history_past_the_bound_is_refused(
    tracking: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    import adapters.dynamodb.lab.tracking_metrics as dynamo_metrics
    import tests.fakes.tracking as fake_tracking

    for module in (dynamo_metrics, fake_tracking):
        monkeypatch.setattr(module, "MAX_HISTORY_POINTS", 5)
    run = new_id()
    tracking.metrics.append(ORG, run, "m", [MetricPoint("m", 1.0, s, s) for s in range(8)], "")
    with pytest.raises(ValidationFailed):
        tracking.metrics.history(ORG, run, "m", step_from=0, step_to=10)
    assert len(tracking.metrics.history(ORG, run, "m", step_from=0, step_to=4)) == 5
