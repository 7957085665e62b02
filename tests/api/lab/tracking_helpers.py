"""Helpers of the tracking API tests: experiments and runs made through the API."""

from __future__ import annotations

from typing import Any


def new_experiment(caller: Any, project_id: str, name: str = "churn-tuning", **extra: Any) -> Any:
    created = caller.call(
        "POST", "/api/experiments", {"project_id": project_id, "name": name, **extra}
    )
    assert created.status_code == 201, created.content
    return created.json()


def new_run(caller: Any, experiment_id: str, **body: Any) -> Any:
    created = caller.call("POST", f"/api/experiments/{experiment_id}/runs", body)
    assert created.status_code == 201, created.content
    return created.json()


def log_metrics(
    caller: Any, experiment_id: str, run_id: str, points: list[Any], **extra: Any
) -> Any:
    path = f"/api/experiments/{experiment_id}/runs/{run_id}/metrics"
    return caller.call("POST", path, {"metrics": points, **extra})
