"""Experiments: create (unique names), read, update (If-Match), soft delete and restore, list
by project; roles on the project; other tenants see 404."""

from __future__ import annotations

from domains.shared.ids import new_id
from tests.api.lab.tracking_helpers import new_experiment
from tests.api.projects.conftest import new_project, new_workspace


def test_create_read_update_delete_restore(crew):  # type: ignore[no-untyped-def]
    owner, editor, project = crew["owner"], crew["member"], crew["project"]["id"]
    exp = new_experiment(editor, project, tags={"team": "vision"})
    assert exp["lifecycle_stage"] == "active" and exp["version"] == 1
    assert exp["tags"] == {"team": "vision"} and exp["created_by"] == editor.user_id
    path = f"/api/experiments/{exp['id']}"
    got = crew["viewer"].call("GET", path)
    assert got.status_code == 200 and got["ETag"] == '"1"'
    changed = editor.call("PUT", path, {"name": "churn-v2"}, **{"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json()["name"] == "churn-v2"
    assert editor.call("PUT", path, {"name": "x"}, **{"If-Match": '"1"'}).status_code == 412
    assert editor.call("DELETE", path).status_code == 403  # admin on the project deletes
    assert owner.call("DELETE", path, **{"If-Match": '"1"'}).status_code == 412
    deleted = owner.call("DELETE", path, **{"If-Match": '"2"'})
    assert deleted.status_code == 200 and deleted.json()["lifecycle_stage"] == "deleted"
    assert owner.call("DELETE", path).status_code == 409
    assert editor.call("PUT", path, {"name": "y"}).status_code == 409
    restored = owner.call("POST", f"{path}/restore", **{"If-Match": '"3"'})
    assert restored.status_code == 200 and restored.json()["lifecycle_stage"] == "active"
    assert owner.call("POST", f"{path}/restore", **{"If-Match": '"3"'}).status_code == 412


def test_names_are_unique_in_the_organisation_and_move_on_rename(crew):  # type: ignore[no-untyped-def]
    editor, project = crew["member"], crew["project"]["id"]
    first = new_experiment(editor, project, "a")
    body = {"project_id": project, "name": "a"}
    assert editor.call("POST", "/api/experiments", body).status_code == 409
    editor.call("PUT", f"/api/experiments/{first['id']}", {"name": "b"})
    new_experiment(editor, project, "a")  # the old name is free again
    assert editor.call("PUT", f"/api/experiments/{first['id']}", {"name": "a"}).status_code == 409


def test_list_by_project_and_lifecycle(crew):  # type: ignore[no-untyped-def]
    owner, editor, project = crew["owner"], crew["member"], crew["project"]["id"]
    first = new_experiment(editor, project, "first")
    second = new_experiment(editor, project, "second")
    owner.call("DELETE", f"/api/experiments/{first['id']}")
    listed = crew["viewer"].call("GET", f"/api/experiments?project_id={project}").json()
    assert [e["id"] for e in listed["items"]] == [second["id"]]
    gone = editor.call("GET", f"/api/experiments?project_id={project}&lifecycle=deleted")
    assert [e["id"] for e in gone.json()["items"]] == [first["id"]]
    page = editor.call("GET", f"/api/experiments?project_id={project}&lifecycle=all&limit=1")
    rest = editor.call(
        "GET",
        f"/api/experiments?project_id={project}&lifecycle=all&cursor={page.json()['next_cursor']}",
    )
    both = [e["id"] for e in page.json()["items"] + rest.json()["items"]]
    assert both == [first["id"], second["id"]]  # recently updated first
    hidden = new_project(owner, new_workspace(owner)["id"], "Hidden")
    secret = new_experiment(owner, hidden["id"], "secret")
    everything = owner.call("GET", "/api/experiments?lifecycle=all").json()["items"]
    assert [e["id"] for e in everything] == [secret["id"], second["id"], first["id"]]
    mine = crew["viewer"].call("GET", "/api/experiments").json()["items"]
    assert [e["id"] for e in mine] == [second["id"]]  # not the project the viewer cannot see


def test_bad_input_is_422(crew):  # type: ignore[no-untyped-def]
    editor, project = crew["member"], crew["project"]["id"]
    for body in ({"project_id": project}, {"project_id": project, "name": ""}, {"name": "x"}):
        assert editor.call("POST", "/api/experiments", body).status_code == 422
    bad_tags = {"project_id": project, "name": "x", "tags": {"../x": "y"}}
    assert editor.call("POST", "/api/experiments", bad_tags).status_code == 422
    exp = new_experiment(editor, project)
    assert editor.call("PUT", f"/api/experiments/{exp['id']}", {"name": ""}).status_code == 422
    lifecycle = f"/api/experiments?project_id={project}&lifecycle=gone"
    assert editor.call("GET", lifecycle).status_code == 422


def test_roles_decide(crew):  # type: ignore[no-untyped-def]
    viewer, editor, project = crew["viewer"], crew["member"], crew["project"]["id"]
    body = {"project_id": project, "name": "x"}
    assert viewer.call("POST", "/api/experiments", body).status_code == 403
    exp = new_experiment(editor, project)
    assert viewer.call("PUT", f"/api/experiments/{exp['id']}", {"name": "y"}).status_code == 403
    assert viewer.call("DELETE", f"/api/experiments/{exp['id']}").status_code == 403
    assert viewer.call("POST", f"/api/experiments/{exp['id']}/restore").status_code == 403


def test_other_tenants_and_unknown_ids_are_404(crew, outsider):  # type: ignore[no-untyped-def]
    editor, project = crew["member"], crew["project"]["id"]
    exp = new_experiment(editor, project)
    path = f"/api/experiments/{exp['id']}"
    for method, body in (("GET", None), ("PUT", {"name": "z"}), ("DELETE", None)):
        assert outsider.call(method, path, body).status_code == 404
    assert outsider.call("POST", f"{path}/restore").status_code == 404
    assert outsider.call("GET", f"/api/experiments?project_id={project}").status_code == 404
    body = {"project_id": project, "name": "mine"}
    assert outsider.call("POST", "/api/experiments", body).status_code == 404
    assert editor.call("GET", f"/api/experiments/{new_id()}").status_code == 404
    assert editor.call("GET", "/api/experiments/not-an-id").status_code == 404


def test_idempotent_create(crew):  # type: ignore[no-untyped-def]
    editor, project = crew["member"], crew["project"]["id"]
    body = {"project_id": project, "name": "retry-me"}
    first = editor.call("POST", "/api/experiments", body, **{"Idempotency-Key": "k-1"})
    again = editor.call("POST", "/api/experiments", body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
