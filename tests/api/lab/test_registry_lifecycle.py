"""A version's lifecycle through the API: stages (one production version; the one replaced
is archived in the same transaction), deployments (only the allowed transitions, each in
the history), aliases, and performance metrics over time."""

from __future__ import annotations

from typing import Any

from domains.shared.ids import new_id
from tests.api.lab.registry_helpers import model_with_versions


def stage(caller: Any, model_id: str, number: int, to: str, **headers: str) -> Any:
    path = f"/api/models/{model_id}/versions/{number}/stage"
    return caller.call("PUT", path, {"stage": to}, **headers)


def deploy(caller: Any, model_id: str, number: int, status: str, **extra: Any) -> Any:
    headers = extra.pop("headers", {})
    body = {"version": number, "status": status, **extra}
    return caller.call("PUT", f"/api/models/{model_id}/deploy", body, **headers)


def stages(caller: Any, model_id: str) -> dict[int, str]:
    detail = caller.call("GET", f"/api/models/{model_id}").json()
    return {v["version"]: v["stage"] for v in detail["versions"]}


def test_one_production_version_at_a_time(crew):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    model_id = model_with_versions(owner, crew["project"]["id"], 3)
    first = stage(owner, model_id, 1, "production")
    assert first.status_code == 200, first.content
    assert first.json()["stage"] == "production" and first.json()["replaced"] is None
    assert first["ETag"] == '"2"' and first.json()["stage_changed_at"] is not None
    second = stage(owner, model_id, 2, "production")
    assert second.status_code == 200 and second.json()["replaced"] == 1
    assert stages(owner, model_id) == {1: "archived", 2: "production", 3: "none"}
    detail = owner.call("GET", f"/api/models/{model_id}").json()
    assert detail["production_version"] == 2
    assert stage(owner, model_id, 2, "staging").status_code == 200
    assert owner.call("GET", f"/api/models/{model_id}").json()["production_version"] is None
    assert stage(owner, model_id, 3, "production").json()["replaced"] is None
    assert stages(owner, model_id) == {1: "archived", 2: "staging", 3: "production"}
    entries = owner.call("GET", f"/api/organizations/{owner.org_id}/audit").json()["items"]
    assert [e["action"] for e in entries if e["resource_id"] == model_id].count("model.stage") == 4


def test_stage_refusals(crew, outsider):  # type: ignore[no-untyped-def]
    owner, member = crew["owner"], crew["member"]
    model_id = model_with_versions(owner, crew["project"]["id"], 2)
    assert stage(member, model_id, 1, "staging").status_code == 200  # an editor stages
    assert stage(member, model_id, 1, "production").status_code == 403  # not model:deploy
    assert stage(crew["viewer"], model_id, 2, "staging").status_code == 403
    assert stage(outsider, model_id, 1, "archived").status_code == 404
    assert stage(owner, model_id, 9, "staging").status_code == 404
    assert stage(owner, model_id, 1, "prod").status_code == 422
    assert stage(owner, model_id, 1, "archived", **{"If-Match": '"1"'}).status_code == 412
    assert stage(owner, model_id, 1, "archived", **{"If-Match": '"2"'}).status_code == 200


def test_deployment_moves_only_along_the_lifecycle(crew):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    model_id = model_with_versions(owner, crew["project"]["id"], 1)
    assert deploy(owner, model_id, 1, "deployed").status_code == 409
    endpoint = {"instance_type": "ml.m5.large", "region": "eu-west-1", "replicas": 2}
    started = deploy(owner, model_id, 1, "deploying", endpoint=endpoint, note="rollout")
    assert started.status_code == 200, started.content
    assert started.json()["deployment_status"] == "deploying" and started["ETag"] == '"2"'
    failed = deploy(owner, model_id, 1, "failed", headers={"If-Match": '"2"'})
    assert failed.json()["deployment_status"] == "failed"
    assert deploy(owner, model_id, 1, "retired").status_code == 409
    assert deploy(owner, model_id, 1, "deploying").status_code == 200
    url = {"url": "https://churn.example.com/invocations"}
    done = deploy(owner, model_id, 1, "deployed", endpoint=url).json()
    assert done["endpoint"] == {**endpoint, **url}
    history = done["history"]
    assert [h["status"] for h in history] == [
        "pending",
        "deploying",
        "failed",
        "deploying",
        "deployed",
    ]
    assert history[1]["note"] == "rollout" and history[1]["changed_by"] == owner.user_id
    assert [h["changed_at"] for h in history] == sorted(h["changed_at"] for h in history)
    assert deploy(owner, model_id, 1, "deploying").status_code == 409
    assert deploy(owner, model_id, 1, "retired").json()["deployment_status"] == "retired"
    assert deploy(owner, model_id, 1, "deploying").status_code == 409
    listed = owner.call("GET", "/api/models/registry?status=retired").json()["items"]
    assert [e["model_id"] for e in listed] == [model_id]
    entries = owner.call("GET", f"/api/organizations/{owner.org_id}/audit").json()["items"]
    assert [e["action"] for e in entries].count("model.deploy") == 5


def test_an_archived_version_is_not_deployed(crew):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    model_id = model_with_versions(owner, crew["project"]["id"], 1)
    stage(owner, model_id, 1, "archived")
    assert deploy(owner, model_id, 1, "deploying").status_code == 409


def test_deploy_refusals(crew, outsider):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    model_id = model_with_versions(owner, crew["project"]["id"], 1)
    assert deploy(crew["member"], model_id, 1, "deploying").status_code == 403
    assert deploy(crew["viewer"], model_id, 1, "deploying").status_code == 403
    assert deploy(outsider, model_id, 1, "deploying").status_code == 404
    assert deploy(owner, model_id, 2, "deploying").status_code == 404
    assert deploy(owner, new_id(), 1, "deploying").status_code == 404
    for bad in (
        {"status": "pending"},
        {"status": "live"},
        {"status": "deploying", "endpoint": {"url": "ftp://x"}},
        {"status": "deploying", "endpoint": {"replicas": -1}},
        {"status": "deploying", "version": 0},
    ):
        body = {"version": 1, **bad}
        assert owner.call("PUT", f"/api/models/{model_id}/deploy", body).status_code == 422, bad
    stale = deploy(owner, model_id, 1, "deploying", headers={"If-Match": '"7"'})
    assert stale.status_code == 412


def test_aliases_are_set_moved_and_deleted(crew, outsider):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    model_id = model_with_versions(owner, crew["project"]["id"], 2)
    path = f"/api/models/{model_id}/aliases/champion"
    put = owner.call("PUT", path, {"version": 1})
    assert put.status_code == 200 and put.json()["version"] == 1 and put["ETag"] == '"1"'
    assert owner.call("PUT", path, {"version": 2}, **{"If-Match": '"9"'}).status_code == 412
    moved = owner.call("PUT", path, {"version": 2}, **{"If-Match": '"1"'})
    assert moved.json()["version"] == 2 and moved["ETag"] == '"2"'
    crew["member"].call("PUT", f"/api/models/{model_id}/aliases/challenger", {"version": 1})
    aliases = owner.call("GET", f"/api/models/{model_id}").json()["aliases"]
    assert [(a["alias"], a["version"]) for a in aliases] == [("challenger", 1), ("champion", 2)]
    assert owner.call("PUT", path, {"version": 3}).status_code == 422
    assert (
        owner.call("PUT", f"/api/models/{model_id}/aliases/Bad!", {"version": 1}).status_code == 422
    )
    assert crew["viewer"].call("PUT", path, {"version": 1}).status_code == 403
    assert outsider.call("PUT", path, {"version": 1}).status_code == 404
    assert outsider.call("DELETE", path).status_code == 404
    assert crew["viewer"].call("DELETE", path).status_code == 403
    assert owner.call("DELETE", path, **{"If-Match": '"1"'}).status_code == 412
    assert owner.call("DELETE", path, **{"If-Match": '"2"'}).status_code == 204
    assert owner.call("DELETE", path).status_code == 404
    aliases = owner.call("GET", f"/api/models/{model_id}").json()["aliases"]
    assert [a["alias"] for a in aliases] == ["challenger"]


def test_metrics_over_time(crew, outsider):  # type: ignore[no-untyped-def]
    owner, viewer = crew["owner"], crew["viewer"]
    model_id = model_with_versions(owner, crew["project"]["id"], 2)
    path = f"/api/models/{model_id}/metrics"
    for number, at, auc in (
        (1, "2026-03-01T00:00:00Z", 0.90),
        (1, "2026-03-02T00:00:00Z", 0.88),
        (1, "2026-03-03T00:00:00Z", 0.85),
        (2, "2026-03-02T12:00:00Z", 0.93),
    ):
        posted = owner.call("POST", path, {"version": number, "values": {"auc": auc}, "at": at})
        assert posted.status_code == 201, posted.content
        assert posted.json()["version"] == number and posted.json()["values"] == {"auc": auc}
    one = viewer.call("GET", f"{path}?version=1").json()
    assert [p["values"]["auc"] for p in one["items"]] == [0.90, 0.88, 0.85]
    window = viewer.call("GET", f"{path}?version=1&from=2026-03-02T00:00:00Z&to=2026-03-03")
    assert [p["at"] for p in window.json()["items"]] == [
        "2026-03-02T00:00:00Z",
        "2026-03-03T00:00:00Z",
    ]
    first = viewer.call("GET", f"{path}?version=1&limit=2").json()
    rest = viewer.call("GET", f"{path}?version=1&limit=2&cursor={first['next_cursor']}").json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    every = viewer.call("GET", f"{path}?from=2026-03-02T00:00:00Z").json()["items"]
    assert [(p["version"], p["values"]["auc"]) for p in every] == [(1, 0.88), (1, 0.85), (2, 0.93)]
    now = owner.call("POST", path, {"version": 2, "values": {"latency_ms": 12.5}})
    assert now.status_code == 201 and now.json()["recorded_by"] == owner.user_id
    key = {"Idempotency-Key": new_id()}
    body = {"version": 2, "values": {"auc": 0.5}, "at": "2026-04-01T00:00:00Z"}
    once = owner.call("POST", path, body, **key)
    again = owner.call("POST", path, body, **key)
    assert once.json()["id"] == again.json()["id"]
    assert len(owner.call("GET", f"{path}?version=2").json()["items"]) == 3


def test_metric_refusals(crew, outsider):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    model_id = model_with_versions(owner, crew["project"]["id"], 1)
    path = f"/api/models/{model_id}/metrics"
    for bad in (
        {"version": 1, "values": {}},
        {"version": 1, "values": {"auc": "high"}},
        {"version": 1, "values": {"bad name!": 1}},
        {"version": 1, "values": {"auc": 1}, "at": "2999-01-01T00:00:00Z"},
        {"values": {"auc": 1}},
    ):
        assert owner.call("POST", path, bad).status_code == 422, bad
    assert owner.call("GET", f"{path}?from=2026-03-02&to=2026-03-01").status_code == 422
    assert owner.call("POST", path, {"version": 2, "values": {"auc": 1}}).status_code == 404
    assert owner.call("GET", f"{path}?version=2").status_code == 404
    assert crew["viewer"].call("POST", path, {"version": 1, "values": {"a": 1}}).status_code == 403
    assert outsider.call("POST", path, {"version": 1, "values": {"a": 1}}).status_code == 404
    assert outsider.call("GET", path).status_code == 404
