"""Helpers of the registry API tests: register models and add versions through the API."""

from __future__ import annotations

from typing import Any

VERSION = {
    "artifact_uri": "s3://models/churn/1",
    "signature": {"inputs": [{"name": "tenure", "type": "double"}], "outputs": ["p"]},
    "metrics": {"auc": 0.91, "f1": 0.8},
}


def register(caller: Any, project_id: str, name: str = "churn-xgb", **extra: Any) -> Any:
    body = {
        "name": name,
        "task": "classification",
        "framework": "xgboost",
        "project_id": project_id,
        "tags": ["Churn"],
        "version": VERSION,
        **extra,
    }
    created = caller.call("POST", "/api/models/registry", body)
    assert created.status_code == 201, created.content
    return created.json()


def add_version(caller: Any, model_id: str, **extra: Any) -> Any:
    body = {**VERSION, "artifact_uri": "s3://models/churn/next", **extra}
    added = caller.call("POST", f"/api/models/{model_id}/versions", body)
    assert added.status_code == 201, added.content
    return added.json()


def model_with_versions(caller: Any, project_id: str, count: int, name: str = "churn") -> str:
    model_id: str = register(caller, project_id, name=name)["model"]["id"]
    for _ in range(count - 1):
        add_version(caller, model_id)
    return model_id


def tracked_run(caller: Any, project_id: str) -> str:
    """A run of an experiment in the project, through the tracking API (a version's source)."""
    body = {"project_id": project_id, "name": f"exp-{project_id[-6:]}"}
    experiment = caller.call("POST", "/api/experiments", body)
    assert experiment.status_code == 201, experiment.content
    run = caller.call("POST", f"/api/experiments/{experiment.json()['id']}/runs", {})
    assert run.status_code == 201, run.content
    return str(run.json()["id"])
