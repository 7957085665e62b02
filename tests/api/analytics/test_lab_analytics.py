"""Run completion and error patterns on the dashboard, end to end: runs made and ended through
the lab's tracking API (one failed with an error kind), a model deployment failed through the
registry's; the relay hands the outbox's events to the consumers, the beat's task rolls them
up, and GET /api/analytics/dashboard answers the counts, the rates and the patterns."""

from __future__ import annotations

from typing import Any

from adapters.events.relay import relay_once
from domains.shared.events import DomainEvent
from nexus.container import container
from nexus.events import dispatch
from nexus.tasks_analytics import roll_up_dirty
from tests.api.lab.registry_helpers import register
from tests.api.lab.tracking_helpers import new_experiment, new_run
from tests.api.projects.conftest import new_project, new_workspace


def _deliver(event: DomainEvent) -> None:
    dispatch(event)


def _end(caller: Any, experiment_id: str, run_id: str, status: str, **extra: Any) -> Any:
    path = f"/api/experiments/{experiment_id}/runs/{run_id}"
    return caller.call("PATCH", path, {"status": status, **extra})


def _ended(caller: Any, experiment_id: str, status: str, **extra: Any) -> None:
    run = new_run(caller, experiment_id)
    ended = _end(caller, experiment_id, run["id"], status, **extra)
    assert ended.status_code == 200, ended.content


def _metrics(caller: Any) -> dict[str, Any]:
    response = caller.call("GET", "/api/analytics/dashboard?granularity=day")
    assert response.status_code == 200, response.content
    return {m["name"]: m for m in response.json()["metrics"]}


def test_the_dashboard_counts_run_completion_and_error_patterns(org, outsider):  # type: ignore[no-untyped-def]
    owner, viewer = org["owner"], org["viewer"]
    project = new_project(owner, new_workspace(owner, "Lab")["id"], "Churn")
    tuning = new_experiment(owner, project["id"], "tuning")["id"]
    ablation = new_experiment(owner, project["id"], "ablation")["id"]
    for status in ("finished", "finished", "finished"):
        _ended(owner, tuning, status)
    _ended(owner, tuning, "failed", error="OutOfMemory")
    _ended(owner, ablation, "failed", error="OutOfMemory")
    _ended(owner, ablation, "failed")
    _ended(owner, ablation, "killed", error="Preempted")
    new_run(owner, ablation)  # still running: not ended
    model_id = register(owner, project["id"])["model"]["id"]
    for status in ("deploying", "failed"):
        path = f"/api/models/{model_id}/deploy"
        changed = owner.call("PUT", path, {"version": 1, "status": status})
        assert changed.status_code == 200, changed.content

    relay_once(container().outbox(), _deliver, limit=1000)
    roll_up_dirty()
    metrics = _metrics(viewer)  # a viewer holds analytics:read

    completion = metrics["run_completion"]
    assert completion["total"] == {
        "finished": 3,
        "failed": 3,
        "killed": 1,
        "ended": 7,
        "completion_rate": 0.4286,
        f"exp:{tuning}:finished": 3,
        f"exp:{tuning}:failed": 1,
        f"exp:{tuning}:completion_rate": 0.75,
        f"exp:{ablation}:failed": 2,
        f"exp:{ablation}:killed": 1,
        f"exp:{ablation}:completion_rate": 0,
    }
    assert completion["series"][-1]["values"] == completion["total"]
    assert metrics["error_patterns"]["total"] == {
        "failed_runs": 3,
        "failed_deployments": 1,
        "failures": 4,
        "run:OutOfMemory": 2,
        "run:unspecified": 1,
        "deployment:unspecified": 1,
    }
    quiet = _metrics(outsider)  # another organisation's dashboard holds none of it
    assert quiet["run_completion"]["total"]["ended"] == 0
    assert quiet["error_patterns"]["total"]["failures"] == 0


def test_an_error_kind_goes_only_with_a_failed_or_killed_ending(org):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    project = new_project(owner, new_workspace(owner, "Lab")["id"], "Churn")
    experiment = new_experiment(owner, project["id"])["id"]
    run = new_run(owner, experiment)["id"]
    finished = _end(owner, experiment, run, "finished", error="OutOfMemory")
    assert finished.status_code == 422, finished.content
    assert finished.json()["errors"][0]["loc"][-1] == "error"
    bad = _end(owner, experiment, run, "failed", error="out of memory!")  # not a kind
    assert bad.status_code == 422, bad.content
    assert _end(owner, experiment, run, "failed", error="cuda.OOM").status_code == 200
