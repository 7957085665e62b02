"""/api/projects and /api/workspaces/{id}/projects: create, read, update, archive, move,
delete, lists with filters and pages (the concurrent update race is in the integration tier)."""

from __future__ import annotations

import pytest

from domains.shared.ids import new_id
from tests.api.projects.conftest import new_project, new_workspace


def test_create_read_update(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    ws = new_workspace(owner)
    project = new_project(
        owner, ws["id"], tags=["ML", "churn"], description="d", settings={"gpu": True}
    )
    assert project["tags"] == ["churn", "ml"] and project["settings"] == {"gpu": True}
    assert project["my_role"] == "admin" and project["member_count"] == 1
    path = f"/api/projects/{project['id']}"
    got = owner.call("GET", path)
    assert got.status_code == 200 and got["ETag"] == '"1"' and got.json()["name"] == "Churn"
    changed = owner.call(
        "PATCH",
        path,
        {"name": "Churn v2", "status": "paused", "tags": [], "settings": {"gpu": False}},
        **{"If-Match": '"1"'},
    )
    assert changed.status_code == 200 and changed["ETag"] == '"2"', changed.content
    body = changed.json()
    assert (body["name"], body["status"], body["tags"], body["settings"]) == (
        "Churn v2",
        "paused",
        [],
        {"gpu": False},
    )
    assert body["description"] == "d"  # fields left out stay
    assert owner.call("GET", f"/api/workspaces/{ws['id']}").json()["project_count"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "x" * 121},
        {"name": "ok", "tags": ["has space"]},
        {"name": "ok", "tags": [f"t{n}" for n in range(21)]},
        {"name": "ok", "settings": {"blob": "x" * 20_000}},
        {"name": "ok", "settings": "not an object"},
    ],
)
def test_create_rejects_bad_input(team, body):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    ws = new_workspace(owner)
    created = owner.call("POST", f"/api/workspaces/{ws['id']}/projects", body)
    assert created.status_code == 422, created.content


def test_update_rejects_bad_input(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    project = new_project(owner, new_workspace(owner)["id"])
    path = f"/api/projects/{project['id']}"
    for body in ({"status": "archived"}, {"status": "nope"}, {"name": ""}, {"tags": ["A B"]}):
        assert owner.call("PATCH", path, body).status_code == 422, body
    assert owner.call("GET", path).json()["version"] == 1


def test_roles(team):  # type: ignore[no-untyped-def]
    t = team()
    ws = new_workspace(t["owner"])
    project = new_project(t["owner"], ws["id"])
    path = f"/api/projects/{project['id']}"
    # an organisation member outside the workspace and project: no access at all
    assert t["member"].call("GET", path).status_code == 403
    assert t["member"].call("PATCH", path, {"name": "x"}).status_code == 403
    refused = t["member"].call("POST", f"/api/workspaces/{ws['id']}/projects", {"name": "x"})
    assert refused.status_code == 403
    # a workspace viewer sees its projects but cannot change them
    members = f"/api/workspaces/{ws['id']}/members"
    t["owner"].call("POST", members, {"user_id": t["member"].user_id, "role": "viewer"})
    assert t["member"].call("GET", path).json()["my_role"] == "viewer"
    assert t["member"].call("PATCH", path, {"name": "x"}).status_code == 403
    assert t["member"].call("GET", f"/api/workspaces/{ws['id']}/projects").status_code == 200
    # a project editor changes it, but may neither delete nor move it
    t["owner"].call("POST", f"{path}/members", {"user_id": t["member"].user_id, "role": "editor"})
    assert t["member"].call("PATCH", path, {"name": "Edited"}).status_code == 200
    assert t["member"].call("DELETE", path).status_code == 403
    other = new_workspace(t["owner"], "Other")
    moved = t["member"].call("POST", f"{path}/move", {"workspace_id": other["id"]})
    assert moved.status_code == 403
    # an org viewer cannot write even as a project admin: the org role caps it
    t["owner"].call("POST", f"{path}/members", {"user_id": t["viewer"].user_id, "role": "admin"})
    assert t["viewer"].call("PATCH", path, {"name": "nope"}).status_code == 403
    # the org admin is admin everywhere
    assert t["admin"].call("GET", path).json()["my_role"] == "admin"
    assert t["admin"].call("POST", f"{path}/archive").status_code == 200


def test_archive_and_restore_keep_the_status(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    project = new_project(owner, new_workspace(owner)["id"])
    path = f"/api/projects/{project['id']}"
    owner.call("PATCH", path, {"status": "completed"})
    archived = owner.call("POST", f"{path}/archive")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert owner.call("POST", f"{path}/archive").status_code == 409
    assert owner.call("PATCH", path, {"status": "active"}).status_code == 409
    restored = owner.call("POST", f"{path}/restore")
    assert restored.status_code == 200 and restored.json()["status"] == "completed"
    assert owner.call("POST", f"{path}/restore").status_code == 409
    stale = owner.call("POST", f"{path}/archive", **{"If-Match": '"1"'})
    assert stale.status_code == 412


def test_move_to_another_workspace(team):  # type: ignore[no-untyped-def]
    t = team()
    owner = t["owner"]
    source, target = new_workspace(owner, "Source"), new_workspace(owner, "Target")
    project = new_project(owner, source["id"])
    path = f"/api/projects/{project['id']}"
    owner.call("POST", f"{path}/members", {"user_id": t["member"].user_id, "role": "editor"})
    moved = owner.call("POST", f"{path}/move", {"workspace_id": target["id"]})
    assert moved.status_code == 200 and moved.json()["workspace_id"] == target["id"]
    counts = {
        w["name"]: w["project_count"] for w in owner.call("GET", "/api/workspaces").json()["items"]
    }
    assert counts == {"Source": 0, "Target": 1}
    assert owner.call("GET", "/api/dashboard").json()["counts"]["projects"] == 1
    # memberships follow the project
    assert t["member"].call("GET", path).json()["my_role"] == "editor"
    listed = owner.call("GET", f"/api/workspaces/{target['id']}/projects").json()["items"]
    assert [p["id"] for p in listed] == [project["id"]]
    assert owner.call("GET", f"/api/workspaces/{source['id']}/projects").json()["items"] == []
    same = owner.call("POST", f"{path}/move", {"workspace_id": target["id"]})
    assert same.status_code == 409
    gone = owner.call("POST", f"{path}/move", {"workspace_id": new_id()})
    assert gone.status_code == 404
    assert owner.call("POST", f"{path}/move", {}).status_code == 422


def test_moving_into_another_organisations_workspace_is_404(team, outsider):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    project = new_project(owner, new_workspace(owner)["id"])
    foreign = new_workspace(outsider)
    moved = owner.call(
        "POST", f"/api/projects/{project['id']}/move", {"workspace_id": foreign["id"]}
    )
    assert moved.status_code == 404
    assert outsider.call("GET", f"/api/workspaces/{foreign['id']}").json()["project_count"] == 0


def test_delete(team):  # type: ignore[no-untyped-def]
    t = team()
    owner = t["owner"]
    ws = new_workspace(owner)
    project = new_project(owner, ws["id"])
    path = f"/api/projects/{project['id']}"
    owner.call("POST", f"{path}/members", {"user_id": t["member"].user_id, "role": "viewer"})
    owner.call("PATCH", path, {"name": "v2"})
    assert owner.call("DELETE", path, **{"If-Match": '"1"'}).status_code == 412
    assert owner.call("DELETE", path).status_code == 204
    assert owner.call("GET", path).status_code == 404
    assert owner.call("GET", f"/api/workspaces/{ws['id']}").json()["project_count"] == 0
    assert t["member"].call("GET", "/api/projects").json()["items"] == []
    assert t["member"].call("GET", "/api/dashboard").json()["counts"]["my_projects"] == 0


def test_other_organisations_answer_404(team, outsider):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    ws = new_workspace(owner)
    project = new_project(owner, ws["id"])
    path = f"/api/projects/{project['id']}"
    for method, sub, body in [
        ("GET", "", None),
        ("PATCH", "", {"name": "pwned"}),
        ("POST", "/archive", None),
        ("POST", "/restore", None),
        ("POST", "/move", {"workspace_id": ws["id"]}),
        ("DELETE", "", None),
    ]:
        assert outsider.call(method, path + sub, body).status_code == 404, (method, sub)
    projects = f"/api/workspaces/{ws['id']}/projects"
    assert outsider.call("GET", projects).status_code == 404
    assert outsider.call("POST", projects, {"name": "x"}).status_code == 404
    assert outsider.call("GET", "/api/projects").json()["items"] == []
    assert owner.call("GET", "/api/projects/not-an-id").status_code == 404
    assert owner.call("GET", path).json()["name"] == "Churn"


def test_list_filters_by_status_and_tag(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    ws = new_workspace(owner)
    a = new_project(owner, ws["id"], "A", tags=["ml"])
    b = new_project(owner, ws["id"], "B", tags=["ml", "nlp"])
    c = new_project(owner, ws["id"], "C")
    owner.call("PATCH", f"/api/projects/{b['id']}", {"status": "paused"})
    owner.call("POST", f"/api/projects/{c['id']}/archive")
    base = f"/api/workspaces/{ws['id']}/projects"

    def names(query: str = "") -> list[str]:
        response = owner.call("GET", base + query)
        assert response.status_code == 200, response.content
        return [p["name"] for p in response.json()["items"]]

    assert names() == ["B", "A"]  # recently updated first; archived ones left out
    assert names("?status=archived") == ["C"]
    assert names("?status=paused") == ["B"]
    assert names("?tag=ml") == ["B", "A"]
    assert names("?tag=nlp") == ["B"]
    assert names("?tag=ml&status=active") == ["A"]
    assert owner.call("GET", base + "?status=gone").status_code == 422
    assert a["id"]


def test_pages_through_more_than_a_hundred_projects(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    ws = new_workspace(owner)
    created = {new_project(owner, ws["id"], f"P{n}")["id"] for n in range(105)}
    seen, cursor, pages = [], None, 0
    while True:
        query = "?limit=40" + (f"&cursor={cursor}" if cursor else "")
        page = owner.call("GET", f"/api/workspaces/{ws['id']}/projects{query}").json()
        seen += [p["id"] for p in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and len(seen) == 105 and set(seen) == created
    mine = owner.call("GET", "/api/projects?limit=100").json()
    assert len(mine["items"]) == 100 and mine["next_cursor"]
    rest = owner.call("GET", f"/api/projects?limit=100&cursor={mine['next_cursor']}").json()
    assert len(rest["items"]) == 5 and rest["next_cursor"] is None
    # a cursor is bound to its list: another workspace's list refuses it
    other = new_workspace(owner, "Other")
    forged = owner.call(
        "GET", f"/api/workspaces/{other['id']}/projects?cursor={mine['next_cursor']}"
    )
    assert forged.status_code == 422
