"""Runs: create, read, lifecycle (forward only), tags, params (immutable), datasets, search by
status, tag, param and metric threshold, sorted by a metric, paged."""

from __future__ import annotations

from typing import Any

from domains.shared.ids import new_id
from tests.api.lab.tracking_helpers import log_metrics, new_experiment, new_run


def _exp(crew: Any) -> Any:
    return new_experiment(crew["member"], crew["project"]["id"])


def test_run_lifecycle_tags_params_and_datasets(crew):  # type: ignore[no-untyped-def]
    editor = crew["member"]
    exp = _exp(crew)
    run = new_run(
        editor,
        exp["id"],
        name="baseline",
        status="scheduled",
        params={"lr": "0.1"},
        tags={"team": "vision"},
        datasets=[{"dataset_id": new_id(), "version": "3", "context": "training"}],
    )
    assert run["status"] == "scheduled" and run["params"] == {"lr": "0.1"}
    assert run["datasets"][0]["version"] == "3" and run["project_id"] == exp["project_id"]
    path = f"/api/experiments/{exp['id']}/runs/{run['id']}"
    got = crew["viewer"].call("GET", path)
    assert got.status_code == 200 and got["ETag"] == '"1"'
    assert editor.call("PATCH", path, {"status": "finished"}).status_code == 409
    running = editor.call("PATCH", path, {"status": "running", "tags": {"a": "1"}})
    assert running.status_code == 200 and running.json()["tags"] == {"team": "vision", "a": "1"}
    params = editor.call("POST", f"{path}/params", {"params": {"lr": "0.1", "depth": "6"}})
    assert params.json()["params"] == {"lr": "0.1", "depth": "6"}
    clash = editor.call("POST", f"{path}/params", {"params": {"lr": "0.2"}})
    assert clash.status_code == 409
    stale_params = editor.call(
        "POST", f"{path}/params", {"params": {"x": "1"}}, **{"If-Match": '"1"'}
    )
    assert stale_params.status_code == 412
    stale = editor.call("PATCH", path, {"status": "finished"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    done = editor.call("PATCH", path, {"status": "finished", "delete_tags": ["a"]})
    body = done.json()
    assert body["status"] == "finished" and body["ended_at"] and body["duration_ms"] >= 0
    assert body["tags"] == {"team": "vision"}
    assert editor.call("PATCH", path, {"status": "running"}).status_code == 409


def test_run_bad_input_roles_and_tenants(crew, outsider):  # type: ignore[no-untyped-def]
    editor, viewer = crew["member"], crew["viewer"]
    exp = _exp(crew)
    runs = f"/api/experiments/{exp['id']}/runs"
    assert editor.call("POST", runs, {"status": "finished"}).status_code == 422
    assert editor.call("POST", runs, {"params": {"": "x"}}).status_code == 422
    assert viewer.call("POST", runs, {}).status_code == 403
    run = new_run(editor, exp["id"])
    path = f"{runs}/{run['id']}"
    assert editor.call("PATCH", path, {"status": "paused"}).status_code == 422
    assert editor.call("POST", f"{path}/params", {"params": {}}).status_code == 422
    assert viewer.call("PATCH", path, {"tags": {"a": "b"}}).status_code == 403
    assert viewer.call("POST", f"{path}/params", {"params": {"a": "b"}}).status_code == 403
    assert editor.call("GET", f"{runs}?filter=metrics.acc ~ 1").status_code == 422
    assert editor.call("GET", f"{runs}?order_by=params.lr").status_code == 422
    for method, p, body in (
        ("GET", path, None),
        ("PATCH", path, {"tags": {"a": "b"}}),
        ("POST", f"{path}/params", {"params": {"a": "b"}}),
        ("GET", runs, None),
        ("POST", runs, {}),
    ):
        assert outsider.call(method, p, body).status_code == 404, (method, p)
    other = new_experiment(editor, crew["project"]["id"], "other")
    assert editor.call("GET", f"/api/experiments/{other['id']}/runs/{run['id']}").status_code == 404
    assert editor.call("GET", f"{runs}/{new_id()}").status_code == 404


def test_no_runs_in_a_deleted_experiment(crew):  # type: ignore[no-untyped-def]
    exp = _exp(crew)
    run = new_run(crew["member"], exp["id"])
    crew["owner"].call("DELETE", f"/api/experiments/{exp['id']}")
    assert crew["member"].call("POST", f"/api/experiments/{exp['id']}/runs", {}).status_code == 409
    path = f"/api/experiments/{exp['id']}/runs/{run['id']}"
    assert crew["member"].call("PATCH", path, {"status": "killed"}).status_code == 409
    point = [{"key": "loss", "value": 1.0}]
    assert log_metrics(crew["member"], exp["id"], run["id"], point).status_code == 409
    assert crew["viewer"].call("GET", path).status_code == 200


def test_search_by_status_tag_param_and_metric_sorted_and_paged(crew):  # type: ignore[no-untyped-def]
    editor = crew["member"]
    exp = _exp(crew)
    made = {}
    for i, (acc, lr) in enumerate([(0.95, "0.1"), (0.80, "0.1"), (0.92, "0.01"), (0.97, "0.1")]):
        run = new_run(editor, exp["id"], name=f"r{i}", params={"lr": lr}, tags={"i": str(i)})
        point = [{"key": "accuracy", "value": acc, "step": 1, "timestamp": 1000}]
        assert log_metrics(editor, exp["id"], run["id"], point).status_code == 201
        made[f"r{i}"] = run["id"]
    path = f"/api/experiments/{exp['id']}/runs/{made['r3']}"
    editor.call("PATCH", path, {"status": "finished"})
    runs = f"/api/experiments/{exp['id']}/runs"

    def names(query: str) -> list[str]:
        answer = crew["viewer"].call("GET", f"{runs}?{query}")
        assert answer.status_code == 200, answer.content
        return [r["name"] for r in answer.json()["items"]]

    assert names("") == ["r3", "r2", "r1", "r0"]
    assert names("status=finished") == ["r3"]
    assert names("filter=metrics.accuracy > 0.9&order_by=metrics.accuracy DESC") == [
        "r3",
        "r0",
        "r2",
    ]
    assert names("filter=params.lr = '0.1' and metrics.accuracy >= 0.9") == ["r3", "r0"]
    assert names("filter=tags.i = '2'") == ["r2"]
    assert names("filter=attributes.status = 'running'&order_by=metrics.accuracy") == [
        "r1",
        "r2",
        "r0",
    ]
    first = crew["viewer"].call("GET", f"{runs}?order_by=metrics.accuracy DESC&limit=3").json()
    assert [r["name"] for r in first["items"]] == ["r3", "r0", "r2"]
    rest = crew["viewer"].call(
        "GET", f"{runs}?order_by=metrics.accuracy DESC&limit=3&cursor={first['next_cursor']}"
    )
    assert [r["name"] for r in rest.json()["items"]] == ["r1"]
    assert rest.json()["next_cursor"] is None
    assert first["items"][0]["metrics"]["accuracy"] == {"value": 0.97, "step": 1, "timestamp": 1000}
    forged = crew["viewer"].call(
        "GET", f"{runs}?order_by=metrics.accuracy&cursor={first['next_cursor']}"
    )
    assert forged.status_code == 422  # a cursor is bound to its search
