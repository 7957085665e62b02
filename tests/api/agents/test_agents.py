"""Agents: create in a project, read, update, archive, delete, list by project, status, mine."""

from __future__ import annotations

from domains.shared.ids import new_id
from tests.api.agents.conftest import new_agent
from tests.api.members import add_member


def test_create_read_update_archive_delete(crew):  # type: ignore[no-untyped-def]
    owner, editor = crew["owner"], crew["member"]
    agent = new_agent(editor, crew["project"]["id"], tags=["Support", "triage"])
    assert agent["status"] == "draft" and agent["tags"] == ["support", "triage"]
    assert agent["version"] == 1 and agent["created_by"] == editor.user_id
    path = f"/api/agents/{agent['id']}"
    got = editor.call("GET", path)
    assert got.status_code == 200 and got["ETag"] == '"1"' and got.json()["my_role"] == "editor"
    body = {"name": "Support triage", "description": "routes tickets", "status": "active"}
    changed = editor.call("PATCH", path, body, **{"If-Match": '"1"'})
    assert changed.status_code == 200, changed.content
    assert changed.json()["status"] == "active" and changed.json()["name"] == "Support triage"
    assert changed["ETag"] == '"2"'
    archived = editor.call("POST", f"{path}/archive")
    assert archived.json()["status"] == "archived"
    assert editor.call("PATCH", path, {"status": "active"}).status_code == 409
    assert owner.call("DELETE", path, **{"If-Match": '"3"'}).status_code == 204
    assert owner.call("GET", path).status_code == 404


def test_lists_by_project_status_and_mine(crew):  # type: ignore[no-untyped-def]
    owner, editor, project = crew["owner"], crew["member"], crew["project"]["id"]
    first = new_agent(editor, project, "First")
    second = new_agent(owner, project, "Second")
    editor.call("PATCH", f"/api/agents/{first['id']}", {"status": "active"})
    by_project = editor.call("GET", f"/api/projects/{project}/agents").json()["items"]
    assert [a["name"] for a in by_project] == ["First", "Second"]  # recently updated first
    active = editor.call("GET", "/api/agents?status=active").json()["items"]
    assert [a["id"] for a in active] == [first["id"]]
    mine = owner.call("GET", "/api/agents/mine").json()["items"]
    assert [a["id"] for a in mine] == [second["id"]]
    paged = editor.call("GET", f"/api/projects/{project}/agents?limit=1").json()
    rest = editor.call("GET", f"/api/projects/{project}/agents?cursor={paged['next_cursor']}")
    assert [a["name"] for a in paged["items"] + rest.json()["items"]] == ["First", "Second"]


def test_lists_hide_projects_i_cannot_see(crew, signup):  # type: ignore[no-untyped-def]
    owner, project = crew["owner"], crew["project"]["id"]
    new_agent(owner, project)
    stranger = signup("stranger")
    add_member(owner, stranger, "member")
    stranger.headers["X-Organization-Id"] = owner.org_id
    assert stranger.call("GET", "/api/agents?status=draft").json()["items"] == []
    assert stranger.call("GET", f"/api/projects/{project}/agents").status_code == 404


def test_bad_input_is_422(crew):  # type: ignore[no-untyped-def]
    editor, project = crew["member"], crew["project"]["id"]
    create = f"/api/projects/{project}/agents"
    assert editor.call("POST", create, {"description": "no name"}).status_code == 422
    answer = editor.call("POST", create, {"name": "x", "tags": ["no spaces"]})
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == ["tags"]
    agent = new_agent(editor, project)
    assert editor.call("PATCH", f"/api/agents/{agent['id']}", {"status": "x"}).status_code == 422
    assert editor.call("GET", "/api/agents?status=gone").status_code == 422


def test_roles_viewer_reads_editor_writes_admin_deletes(crew):  # type: ignore[no-untyped-def]
    owner, editor, viewer = crew["owner"], crew["member"], crew["viewer"]
    project = crew["project"]["id"]
    refused = viewer.call("POST", f"/api/projects/{project}/agents", {"name": "v"})
    assert refused.status_code == 403
    agent = new_agent(editor, project)
    path = f"/api/agents/{agent['id']}"
    assert viewer.call("GET", path).json()["my_role"] == "viewer"
    assert viewer.call("PATCH", path, {"name": "mine"}).status_code == 403
    assert viewer.call("POST", f"{path}/archive").status_code == 403
    assert editor.call("DELETE", path).status_code == 403
    assert owner.call("DELETE", path).status_code == 204


def test_another_organisation_sees_404(crew, outsider):  # type: ignore[no-untyped-def]
    agent = new_agent(crew["owner"], crew["project"]["id"])
    path = f"/api/agents/{agent['id']}"
    for method, body in (("GET", None), ("PATCH", {"name": "x"}), ("DELETE", None)):
        assert outsider.call(method, path, body).status_code == 404
    assert outsider.call("POST", f"{path}/archive").status_code == 404
    create = f"/api/projects/{crew['project']['id']}/agents"
    assert outsider.call("POST", create, {"name": "x"}).status_code == 404
    assert outsider.call("GET", f"/api/agents/{new_id()}").status_code == 404


def test_stale_writes_are_412(crew):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    agent = new_agent(owner, crew["project"]["id"])
    path = f"/api/agents/{agent['id']}"
    assert owner.call("PATCH", path, {"name": "a"}, **{"If-Match": '"1"'}).status_code == 200
    assert owner.call("PATCH", path, {"name": "b"}, **{"If-Match": '"1"'}).status_code == 412
    assert owner.call("POST", f"{path}/archive", **{"If-Match": '"1"'}).status_code == 412
    assert owner.call("DELETE", path, **{"If-Match": '"1"'}).status_code == 412


def test_changes_are_audited(crew):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    agent = new_agent(owner, crew["project"]["id"])
    owner.call("PATCH", f"/api/agents/{agent['id']}", {"name": "renamed"})
    entries = owner.call("GET", f"/api/organizations/{owner.org_id}/audit").json()["items"]
    actions = [e["action"] for e in entries if e["resource_id"] == agent["id"]]
    assert sorted(actions) == ["agent.create", "agent.update"]
