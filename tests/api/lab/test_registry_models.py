"""/api/models/registry and /api/models/{id}: registering models (names unique per
organisation), their versions, the registry list with its filters and cursor pages, and the
model with its versions; the refusals (422, 403, 404 across tenants, 412)."""

from __future__ import annotations

from typing import Any

from domains.shared.ids import new_id
from tests.api.lab.registry_helpers import VERSION, add_version, register, tracked_run
from tests.api.projects.conftest import new_project, new_workspace

REGISTRY = "/api/models/registry"


def test_register_a_model_with_its_first_version(crew):  # type: ignore[no-untyped-def]
    member, project = crew["member"], crew["project"]
    made = register(member, project["id"], source_run_id=None)
    model, first = made["model"], made["version"]
    assert model["name"] == "churn-xgb" and model["task"] == "classification"
    assert model["tags"] == ["churn"] and model["latest_version"] == 1 and model["revision"] == 1
    assert first["version"] == 1 and first["stage"] == "none"
    assert first["deployment_status"] == "pending" and first["metrics"] == VERSION["metrics"]
    assert first["signature"] == VERSION["signature"] and first["artifact_uri"].startswith("s3://")
    assert [h["status"] for h in first["history"]] == ["pending"]
    got = crew["viewer"].call("GET", f"/api/models/{model['id']}")
    assert got.status_code == 200 and got["ETag"] == '"1"'
    body = got.json()
    assert [v["version"] for v in body["versions"]] == [1] and body["production_version"] is None


def test_register_without_a_version_then_add_versions(crew):  # type: ignore[no-untyped-def]
    owner, project_id = crew["owner"], crew["project"]["id"]
    body = {"name": "Empty", "task": "regression", "framework": "sklearn", "project_id": project_id}
    created = owner.call("POST", REGISTRY, body)
    assert created.status_code == 201 and created.json()["version"] is None
    model_id = created.json()["model"]["id"]
    assert created.json()["model"]["latest_version"] == 0
    run_id = tracked_run(owner, project_id)
    unknown = {"model_id": model_id, "version": {**VERSION, "source_run_id": new_id()}}
    assert owner.call("POST", REGISTRY, unknown).status_code == 422
    via_registry = owner.call(
        "POST", REGISTRY, {"model_id": model_id, "version": {**VERSION, "source_run_id": run_id}}
    )
    assert via_registry.status_code == 201, via_registry.content
    assert via_registry.json()["version"]["version"] == 1
    assert via_registry.json()["version"]["source_run_id"] == run_id
    second = add_version(owner, model_id)
    assert second["version"] == 2 and second["artifact_uri"] == "s3://models/churn/next"
    detail = owner.call("GET", f"/api/models/{model_id}?limit=1").json()
    assert detail["latest_version"] == 2 and [v["version"] for v in detail["versions"]] == [2]
    rest = owner.call("GET", f"/api/models/{model_id}?limit=1&cursor={detail['next_cursor']}")
    assert [v["version"] for v in rest.json()["versions"]] == [1]
    lineage = owner.call("GET", f"{REGISTRY}?run_id={run_id}").json()["items"]
    assert [(e["kind"], e["version"]["version"]) for e in lineage] == [("version", 1)]


def test_names_are_unique_per_organisation(crew, outsider):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    register(owner, crew["project"]["id"], name="Churn")
    again = owner.call(
        "POST",
        REGISTRY,
        {"name": "churn", "task": "x", "framework": "y", "project_id": crew["project"]["id"]},
    )
    assert again.status_code == 409
    theirs = new_project(outsider, new_workspace(outsider)["id"])
    assert register(outsider, theirs["id"], name="Churn")["model"]["name"] == "Churn"


def test_registering_is_idempotent_with_a_key(crew):  # type: ignore[no-untyped-def]
    owner, project_id = crew["owner"], crew["project"]["id"]
    body = {"name": "Once", "task": "t", "framework": "f", "project_id": project_id}
    key = {"Idempotency-Key": new_id()}
    first = owner.call("POST", REGISTRY, body, **key)
    again = owner.call("POST", REGISTRY, body, **key)
    assert first.status_code == again.status_code == 201
    assert again.json()["model"]["id"] == first.json()["model"]["id"]
    assert again["Idempotent-Replayed"] == "true"


def test_bad_registrations_are_422(crew):  # type: ignore[no-untyped-def]
    owner, project_id = crew["owner"], crew["project"]["id"]
    base = {"name": "ok", "task": "t", "framework": "f", "project_id": project_id}
    bad: list[dict[str, Any]] = [
        {**base, "name": "  "},
        {**base, "task": "Not A Word!"},
        {"name": "ok", "task": "t"},
        {"model_id": new_id()},
        {**base, "model_id": new_id(), "version": VERSION},
        {**base, "version": {**VERSION, "artifact_uri": "https://not-s3/x"}},
        {**base, "version": {**VERSION, "metrics": {"bad name!": 1}}},
        {**base, "version": {**VERSION, "source_run_id": "not-an-id"}},
        {**base, "tags": ["Not a tag!"]},
    ]
    for body in bad:
        assert owner.call("POST", REGISTRY, body).status_code == 422, body


def test_roles_and_tenants(crew, outsider):  # type: ignore[no-untyped-def]
    project_id = crew["project"]["id"]
    body = {"name": "m", "task": "t", "framework": "f", "project_id": project_id}
    assert crew["viewer"].call("POST", REGISTRY, body).status_code == 403
    assert outsider.call("POST", REGISTRY, body).status_code == 404
    model_id = register(crew["member"], project_id)["model"]["id"]
    path = f"/api/models/{model_id}"
    assert outsider.call("GET", path).status_code == 404
    assert outsider.call("POST", f"{path}/versions", VERSION).status_code == 404
    assert (
        outsider.call("POST", REGISTRY, {"model_id": model_id, "version": VERSION}).status_code
        == 404
    )
    assert crew["viewer"].call("POST", f"{path}/versions", VERSION).status_code == 403
    assert crew["owner"].call("GET", f"/api/models/{new_id()}").status_code == 404
    assert crew["owner"].call("GET", "/api/models/not-an-id").status_code == 404
    assert outsider.call("GET", f"{REGISTRY}?project_id={project_id}").status_code == 404
    assert outsider.call("GET", REGISTRY).json()["items"] == []


def test_a_version_needs_the_models_current_etag(crew):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    model_id = register(owner, crew["project"]["id"])["model"]["id"]
    path = f"/api/models/{model_id}/versions"
    ok = owner.call("POST", path, VERSION, **{"If-Match": '"1"'})
    assert ok.status_code == 201 and ok.json()["version"] == 2
    assert owner.call("POST", path, VERSION, **{"If-Match": '"1"'}).status_code == 412
    assert owner.call("GET", f"/api/models/{model_id}")["ETag"] == '"2"'
    assert owner.call("POST", path, {**VERSION, "artifact_uri": "s3://x"}).status_code == 422


def test_the_registry_list_filters_and_pages(crew):  # type: ignore[no-untyped-def]
    owner, project_id = crew["owner"], crew["project"]["id"]
    other = new_project(owner, new_workspace(owner, "Other")["id"], name="Other")
    a = register(owner, project_id, name="a")["model"]["id"]
    b = register(owner, project_id, name="b", task="ranking")["model"]["id"]
    c = register(owner, other["id"], name="c")["model"]["id"]
    first = owner.call("GET", f"{REGISTRY}?limit=2").json()
    rest = owner.call("GET", f"{REGISTRY}?limit=2&cursor={first['next_cursor']}").json()
    ids = [e["model_id"] for e in first["items"] + rest["items"]]
    assert sorted(ids) == sorted([a, b, c]) and rest["next_cursor"] is None
    assert {e["kind"] for e in first["items"]} == {"model"}
    in_project = owner.call("GET", f"{REGISTRY}?project_id={project_id}").json()["items"]
    assert sorted(e["model_id"] for e in in_project) == sorted([a, b])
    ranking = owner.call("GET", f"{REGISTRY}?task=ranking").json()["items"]
    assert [e["model_id"] for e in ranking] == [b]
    both = owner.call("GET", f"{REGISTRY}?project_id={project_id}&task=classification")
    assert [e["model_id"] for e in both.json()["items"]] == [a]
    owner.call("PUT", f"/api/models/{b}/versions/1/stage", {"stage": "staging"})
    staging = owner.call("GET", f"{REGISTRY}?stage=staging").json()["items"]
    assert [(e["kind"], e["model_id"], e["version"]["version"]) for e in staging] == [
        ("version", b, 1)
    ]
    pending = owner.call("GET", f"{REGISTRY}?status=pending&project_id={other['id']}").json()
    assert [e["model_id"] for e in pending["items"]] == [c]
    pending_staged = owner.call("GET", f"{REGISTRY}?status=pending&stage=staging").json()
    assert [e["model_id"] for e in pending_staged["items"]] == [b]
    for bad in ("status=gone", "stage=prod", "task=Bad Task", "run_id=x", "limit=0"):
        assert owner.call("GET", f"{REGISTRY}?{bad}").status_code == 422, bad


def test_a_project_i_cannot_see_hides_its_models(crew):  # type: ignore[no-untyped-def]
    owner, member = crew["owner"], crew["member"]
    hidden = new_project(owner, new_workspace(owner, "Secret")["id"], name="Secret")
    model_id = register(owner, hidden["id"], name="secret")["model"]["id"]
    assert member.call("GET", f"/api/models/{model_id}").status_code == 404
    listed = member.call("GET", REGISTRY).json()["items"]
    assert model_id not in [e["model_id"] for e in listed]


def test_changes_are_audited(crew):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    model_id = register(owner, crew["project"]["id"])["model"]["id"]
    add_version(owner, model_id)
    entries = owner.call("GET", f"/api/organizations/{owner.org_id}/audit").json()["items"]
    actions = [e["action"] for e in entries if e["resource_id"] == model_id]
    assert sorted(actions) == ["model.register", "model.version", "model.version"]
