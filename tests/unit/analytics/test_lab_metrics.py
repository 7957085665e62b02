"""The lab's metrics on the feed: run completion (by status and experiment, with the rate) and
error patterns (failed runs and deployments by component and error kind). Hours combine into
days, and days into a window, exactly as if computed over the whole span."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from domains.analytics.lab_metrics import MAX_GROUPS, OTHER, ErrorPatterns, RunCompletion
from domains.analytics.metrics import MetricRegistry
from domains.analytics.model import ActivityEntry, entry_from
from domains.analytics.rollups import DAY, HOUR, entry_time, period_start
from domains.shared.ids import new_id
from tests.fakes.rollups import event_at

ORG, ADA = new_id(), new_id()
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
EXP_A, EXP_B = new_id(), new_id()
COMPLETION, ERRORS = RunCompletion(), ErrorPatterns()


def _entry(name: str, /, at: datetime = T0, resource: str = "run", **data: Any) -> ActivityEntry:
    event = event_at(name, org_id=ORG, actor_id=ADA, at=at, resource=(resource, new_id()), **data)
    entry = entry_from(event)
    assert entry is not None
    return entry


def _ended(status: str, experiment: str, at: datetime = T0, **data: Any) -> ActivityEntry:
    return _entry("RunFinished", at, status=status, experiment_id=experiment, duration_ms=5, **data)


def _deploy_failed(at: datetime = T0) -> ActivityEntry:
    return _entry("ModelDeploymentFailed", at, "model", number=2, status="failed")


def test_the_feed_entry_keeps_the_facts_the_metrics_read() -> None:
    entry = _ended("failed", EXP_A, error="OutOfMemory", project_id=new_id())
    assert entry.fact("status") == "failed" and entry.fact("error") == "OutOfMemory"
    assert entry.fact("experiment_id") == EXP_A and entry.fact("duration_ms") is None
    assert _entry("ProjectCreated", resource="project", name="x").facts == ()


def test_run_completion_by_status_and_experiment() -> None:
    entries = [
        _ended("finished", EXP_A),
        _ended("finished", EXP_A),
        _ended("failed", EXP_A),
        _ended("killed", EXP_B),
        _entry("RunUpdated", status="running", experiment_id=EXP_A),
        _entry("RunCreated", experiment_id=EXP_B),
    ]
    assert COMPLETION.compute(entries).values == {
        "finished": 2,
        "failed": 1,
        "killed": 1,
        "ended": 4,
        "completion_rate": 0.5,
        f"exp:{EXP_A}:finished": 2,
        f"exp:{EXP_A}:failed": 1,
        f"exp:{EXP_A}:completion_rate": 0.6667,
        f"exp:{EXP_B}:killed": 1,
        f"exp:{EXP_B}:completion_rate": 0,
    }
    quiet = COMPLETION.combine([])
    assert quiet.values == {
        "finished": 0,
        "failed": 0,
        "killed": 0,
        "ended": 0,
        "completion_rate": 0,
    }


def test_error_patterns_by_component_and_kind() -> None:
    entries = [
        _ended("failed", EXP_A, error="OutOfMemory"),
        _ended("failed", EXP_B, error="OutOfMemory"),
        _ended("failed", EXP_B),
        _ended("killed", EXP_B, error="Preempted"),  # stopped, not failed
        _ended("finished", EXP_A),
        _deploy_failed(),
        _entry("ModelDeployed", resource="model", status="deployed"),
    ]
    assert ERRORS.compute(entries).values == {
        "failed_runs": 3,
        "failed_deployments": 1,
        "failures": 4,
        "run:OutOfMemory": 2,
        "run:unspecified": 1,
        "deployment:unspecified": 1,
    }
    assert ERRORS.combine([]).values == {"failed_runs": 0, "failed_deployments": 0, "failures": 0}


def _random_entries(rng: random.Random, count: int) -> list[ActivityEntry]:
    experiments = [new_id() for _ in range(MAX_GROUPS + 10)]
    kinds = [f"Kind{n}" for n in range(MAX_GROUPS + 5)] + [None]
    found = []
    for _ in range(count):
        at = T0 + timedelta(minutes=rng.randrange(3 * 24 * 60))
        if rng.random() < 0.15:
            found.append(_deploy_failed(at))
            continue
        kind = rng.choice(kinds)
        extra = {"error": kind} if kind and rng.random() < 0.8 else {}
        status = rng.choice(["finished", "finished", "failed", "killed"])
        found.append(_ended(status, rng.choice(experiments[:8]), at, **extra))
    return found


def _by_period(entries: list[ActivityEntry], granularity: str) -> dict[datetime, list[Any]]:
    grouped: dict[datetime, list[Any]] = {}
    for entry in entries:
        grouped.setdefault(period_start(entry_time(entry), granularity), []).append(entry)
    return grouped


def test_hours_combine_into_days_and_days_into_the_window_exactly() -> None:
    """Fewer groups than the bound: a day from its hours is the day computed at once, the
    window from its days the window at once."""
    rng = random.Random(7)
    entries = _random_entries(rng, 400)
    for metric in (COMPLETION, ERRORS):
        days = []
        for day, in_day in _by_period(entries, DAY).items():
            hours = [metric.compute(e) for e in _by_period(in_day, HOUR).values()]
            combined = metric.combine(hours)
            assert combined == metric.compute(in_day), (metric.name, day)
            days.append(combined)
        assert metric.combine(days) == metric.compute(entries), metric.name


def test_many_experiments_and_kinds_fold_into_other_and_still_add_up() -> None:
    experiments = [new_id() for _ in range(MAX_GROUPS + 5)]
    entries = [_ended("failed", e, error=f"Kind{n}") for n, e in enumerate(experiments)]
    entries += [_ended("finished", experiments[0])] * 3
    completion, errors = COMPLETION.compute(entries), ERRORS.compute(entries)
    rows = {k for k in completion.values if k.startswith("exp:") and k.endswith(":failed")}
    assert len(rows) == MAX_GROUPS and f"exp:{OTHER}:failed" in rows
    assert completion.values[f"exp:{experiments[0]}:completion_rate"] == 0.75
    assert sum(completion.values[k] for k in rows) == completion.values["failed"] == 30
    patterns = {k: v for k, v in errors.values.items() if k.startswith("run:") or k == OTHER}
    assert len(patterns) == MAX_GROUPS and sum(patterns.values()) == errors.values["failures"]
    doubled = COMPLETION.combine([completion, completion]).values
    other = f"exp:{OTHER}:failed"
    assert doubled["failed"] == 60 and doubled[other] == 2 * completion.values[other] == 12
    assert doubled["completion_rate"] == completion.values["completion_rate"] == 0.0909


def test_the_dashboard_registry_lists_the_lab_metrics() -> None:
    names = [metric.name for metric in MetricRegistry()]
    assert names[-2:] == ["run_completion", "error_patterns"]
