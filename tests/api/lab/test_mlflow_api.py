"""/mlflow/api/2.0/mlflow/...: MLflow's REST API as its client sees it, error shapes above
all ({"error_code", "message"} with MLflow's HTTP status), credentials (an API key implies
the organisation; a user's token needs the header), roles, other tenants, the batch limits,
and that none of it is on /api's OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.api.lab.tracking_helpers import new_experiment, new_run

ROOT = "/mlflow/api/2.0/mlflow"
KEY_PERMISSIONS = ["project:read", "lab:read", "lab:write", "model:read", "model:write"]


def _send(http: Client, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    if method == "GET":
        return http.get(path, body or {}, **headers)
    send = getattr(http, method.lower())
    return send(path, body if isinstance(body, str) else body or {}, "application/json", **headers)


def _path(endpoint: str, project_id: str | None) -> str:
    prefix = f"/mlflow/projects/{project_id}" if project_id else "/mlflow"
    return f"{prefix}/api/2.0/mlflow/{endpoint}"


def as_user(caller: Any, method: str, endpoint: str, body: Any = None, project: str = "") -> Any:
    """A user's access token with the X-Organization-Id header (the test client can send it)."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {caller.access}"}
    headers |= {"HTTP_X_ORGANIZATION_ID": caller.org_id or caller.headers["X-Organization-Id"]}
    return _send(caller.http, method, _path(endpoint, project or None), body, headers)


def as_key(http: Client, key: str, method: str, endpoint: str, body: Any = None, project: str = ""):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    return _send(http, method, _path(endpoint, project or None), body, headers)


def error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error_code", "message"} and body["error_code"] == code, body
    assert response["Content-Type"] == "application/json"
    return str(body["message"])


@pytest.fixture
def key(crew) -> str:  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    path = f"/api/organizations/{owner.org_id}/api-keys"
    minted = owner.call("POST", path, {"name": "mlflow", "permissions": KEY_PERMISSIONS})
    assert minted.status_code == 201, minted.content
    return str(minted.json()["key"])


def test_an_api_key_implies_its_organisation(crew, key, http) -> None:  # type: ignore[no-untyped-def]
    project = crew["project"]["id"]
    created = as_key(http, key, "POST", "experiments/create", {"name": "churn"}, project)
    assert created.status_code == 200, created.content
    experiment_id = created.json()["experiment_id"]
    got = as_key(http, key, "GET", "experiments/get-by-name", {"experiment_name": "churn"})
    assert got.status_code == 200
    shown = got.json()["experiment"]
    assert shown["experiment_id"] == experiment_id and shown["lifecycle_stage"] == "active"
    assert {"key": "nexus.project_id", "value": project} in shown["tags"]
    # our own REST API sees the same experiment, in the URI's project
    ours = crew["owner"].call("GET", f"/api/experiments/{experiment_id}")
    assert ours.json()["project_id"] == project


def test_without_a_project_a_create_names_it_by_tag(crew, key, http) -> None:  # type: ignore[no-untyped-def]
    project = crew["project"]["id"]
    refused = as_key(http, key, "POST", "experiments/create", {"name": "loose"})
    assert "nexus.project_id" in error(refused, 400, "INVALID_PARAMETER_VALUE")
    tags = [{"key": "nexus.project_id", "value": project}]
    created = as_key(http, key, "POST", "experiments/create", {"name": "loose", "tags": tags})
    assert created.status_code == 200, created.content
    model = {"name": "loose-model", "tags": tags}
    registered = as_key(http, key, "POST", "registered-models/create", model)
    assert registered.json()["registered_model"]["name"] == "loose-model"


def test_credentials(crew, http) -> None:  # type: ignore[no-untyped-def]
    error(http.get(f"{ROOT}/experiments/get", {"experiment_id": "x"}), 401, "UNAUTHENTICATED")
    bad = {"HTTP_AUTHORIZATION": "Bearer nxk_nope"}
    error(
        http.get(f"{ROOT}/experiments/get", {"experiment_id": "x"}, **bad), 401, "UNAUTHENTICATED"
    )
    token_only = {"HTTP_AUTHORIZATION": f"Bearer {crew['owner'].access}"}
    missing = http.get(f"{ROOT}/experiments/get-by-name", {"experiment_name": "x"}, **token_only)
    assert "X-Organization-Id" in error(missing, 400, "INVALID_PARAMETER_VALUE")
    with_header = as_user(crew["owner"], "GET", "experiments/get-by-name", {"experiment_name": "x"})
    error(with_header, 404, "RESOURCE_DOES_NOT_EXIST")


def test_unknown_endpoints_and_malformed_bodies(crew, key, http) -> None:  # type: ignore[no-untyped-def]
    error(as_key(http, key, "POST", "runs/delete", {"run_id": "x"}), 404, "ENDPOINT_NOT_FOUND")
    error(as_key(http, key, "GET", "runs/log-batch"), 404, "ENDPOINT_NOT_FOUND")
    error(as_key(http, key, "POST", "runs/log-batch", "{not json"), 400, "INVALID_PARAMETER_VALUE")
    error(as_key(http, key, "POST", "runs/log-batch", "[1]"), 400, "INVALID_PARAMETER_VALUE")
    message = error(as_key(http, key, "GET", "experiments/get"), 400, "INVALID_PARAMETER_VALUE")
    assert "experiment_id" in message
    error(as_key(http, key, "GET", "runs/get", {"run_id": "nope"}), 404, "RESOURCE_DOES_NOT_EXIST")
    default = as_key(http, key, "POST", "runs/create", {"experiment_id": "0"})
    assert "mlflow.set_experiment" in error(default, 404, "RESOURCE_DOES_NOT_EXIST")


def test_batch_limits_and_immutable_params(crew, key, http) -> None:  # type: ignore[no-untyped-def]
    experiment = new_experiment(crew["member"], crew["project"]["id"])
    run_id = new_run(crew["member"], experiment["id"])["id"]
    point = {"key": "loss", "value": 0.5, "timestamp": 1, "step": 0}
    for field, entry, limit in (
        ("metrics", point, 1000),
        ("params", {"key": "p", "value": "v"}, 100),
        ("tags", {"key": "t", "value": "v"}, 100),
    ):
        over = {"run_id": run_id, field: [entry] * (limit + 1)}
        message = error(
            as_key(http, key, "POST", "runs/log-batch", over), 400, "INVALID_PARAMETER_VALUE"
        )
        assert f"at most {limit}" in message
    full = {"run_id": run_id, "metrics": [{**point, "step": s} for s in range(1000)]}
    assert as_key(http, key, "POST", "runs/log-batch", full).status_code == 200
    params = {"run_id": run_id, "params": [{"key": f"p{i}", "value": "v"} for i in range(100)]}
    assert as_key(http, key, "POST", "runs/log-batch", params).status_code == 200
    clash = {"run_id": run_id, "key": "p1", "value": "other"}
    message = error(
        as_key(http, key, "POST", "runs/log-parameter", clash), 400, "INVALID_PARAMETER_VALUE"
    )
    assert "immutable" in message
    nan = {"run_id": run_id, "key": "loss", "value": "NaN", "timestamp": 1}
    error(as_key(http, key, "POST", "runs/log-metric", nan), 400, "INVALID_PARAMETER_VALUE")
    history = as_key(
        http, key, "GET", "metrics/get-history", {"run_id": run_id, "metric_key": "loss"}
    )
    assert len(history.json()["metrics"]) == 1000


def test_roles_and_other_tenants(crew, key, http, team) -> None:  # type: ignore[no-untyped-def]
    project = crew["project"]["id"]
    experiment = new_experiment(crew["member"], project)
    viewer = crew["viewer"]
    body = {"experiment_id": experiment["id"]}
    error(as_user(viewer, "POST", "runs/create", body), 403, "PERMISSION_DENIED")
    assert as_user(viewer, "GET", "experiments/get", body).status_code == 200
    error(as_user(crew["member"], "POST", "experiments/delete", body), 403, "PERMISSION_DENIED")
    other = team()["owner"]
    error(as_user(other, "GET", "experiments/get", body), 404, "RESOURCE_DOES_NOT_EXIST")
    error(
        as_user(other, "POST", "experiments/create", {"name": "x"}, project),
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )
    run_id = new_run(crew["member"], experiment["id"])["id"]
    error(as_user(other, "GET", "runs/get", {"run_id": run_id}), 404, "RESOURCE_DOES_NOT_EXIST")


def test_names_taken_and_state_errors(crew, key, http) -> None:  # type: ignore[no-untyped-def]
    project = crew["project"]["id"]
    assert (
        as_key(http, key, "POST", "experiments/create", {"name": "dup"}, project).status_code == 200
    )
    taken = as_key(http, key, "POST", "experiments/create", {"name": "dup"}, project)
    error(taken, 400, "RESOURCE_ALREADY_EXISTS")
    model = as_key(http, key, "POST", "registered-models/create", {"name": "m"}, project)
    assert model.status_code == 200
    again = as_key(http, key, "POST", "registered-models/create", {"name": "M"}, project)
    error(again, 400, "RESOURCE_ALREADY_EXISTS")
    bad_source = {"name": "m", "source": "file:///tmp/model"}
    error(
        as_key(http, key, "POST", "model-versions/create", bad_source),
        400,
        "INVALID_PARAMETER_VALUE",
    )
    missing = {"name": "m", "version": "7"}
    error(as_key(http, key, "GET", "model-versions/get", missing), 404, "RESOURCE_DOES_NOT_EXIST")
    error(
        as_key(http, key, "GET", "registered-models/alias", {"name": "m", "alias": "champion"}),
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )
    bad_filter = {"experiment_ids": ["x"], "filter": "metrics.loss ~ 3"}
    error(as_key(http, key, "POST", "runs/search", bad_filter), 400, "INVALID_PARAMETER_VALUE")


def test_mlflow_is_not_on_the_apis_openapi_document(crew) -> None:  # type: ignore[no-untyped-def]
    from nexus.api import api

    paths = api.get_openapi_schema()["paths"]
    assert not [p for p in paths if "mlflow" in p]
    assert crew["owner"].http.get("/mlflow/openapi.json").status_code == 404
