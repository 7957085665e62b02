"""/api/workspaces: create, read, update, archive and restore, delete when empty, lists."""

from __future__ import annotations

import pytest

from domains.shared.ids import new_id
from tests.api.projects.conftest import new_project, new_workspace


def test_create_read_and_list(team):  # type: ignore[no-untyped-def]
    t = team()
    ws = new_workspace(t["member"], "Research")
    assert ws["my_role"] == "admin" and ws["member_count"] == 1 and ws["project_count"] == 0
    got = t["member"].call("GET", f"/api/workspaces/{ws['id']}")
    assert got.status_code == 200 and got["ETag"] == '"1"' and got.json()["name"] == "Research"
    # every organisation member sees the workspace (navigation), with no role of their own
    seen = t["viewer"].call("GET", f"/api/workspaces/{ws['id']}")
    assert seen.status_code == 200 and seen.json()["my_role"] is None
    assert t["owner"].call("GET", f"/api/workspaces/{ws['id']}").json()["my_role"] == "admin"
    listed = t["viewer"].call("GET", "/api/workspaces").json()
    assert [w["id"] for w in listed["items"]] == [ws["id"]]
    mine = t["member"].call("GET", "/api/workspaces/mine").json()["items"]
    assert [(m["workspace"]["id"], m["role"]) for m in mine] == [(ws["id"], "admin")]
    assert t["viewer"].call("GET", "/api/workspaces/mine").json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "x" * 121}, {"name": 5}, {"name": "ok", "description": "d" * 2001}],
)
def test_create_rejects_bad_input(team, body):  # type: ignore[no-untyped-def]
    assert team()["owner"].call("POST", "/api/workspaces", body).status_code == 422


def test_bad_list_and_update_input_is_422(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    ws = new_workspace(owner)
    assert owner.call("GET", "/api/workspaces?status=gone").status_code == 422
    assert owner.call("GET", "/api/workspaces?limit=0").status_code == 422
    assert owner.call("PATCH", f"/api/workspaces/{ws['id']}", {"name": ""}).status_code == 422
    assert owner.call("GET", "/api/workspaces", **{"X-Organization-Id": ""}).status_code == 422


def test_roles(team):  # type: ignore[no-untyped-def]
    t = team()
    assert t["viewer"].call("POST", "/api/workspaces", {"name": "No"}).status_code == 403
    ws = new_workspace(t["member"])
    path = f"/api/workspaces/{ws['id']}"
    for who in ("viewer", "admin"):
        if who == "viewer":
            for method, sub in [("PATCH", ""), ("POST", "/archive"), ("DELETE", "")]:
                body = {"name": "x"} if method == "PATCH" else None
                assert t[who].call(method, path + sub, body).status_code == 403, (method, sub)
    # an organisation admin acts on every workspace without being a member of it
    renamed = t["admin"].call("PATCH", path, {"name": "By the org admin"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "By the org admin"
    # another organisation member is not an admin of a workspace they did not create
    other = new_workspace(t["owner"], "Owner's")
    refused = t["member"].call("PATCH", f"/api/workspaces/{other['id']}", {"name": "mine"})
    assert refused.status_code == 403


def test_update_is_versioned(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    ws = new_workspace(owner)
    path = f"/api/workspaces/{ws['id']}"
    ok = owner.call("PATCH", path, {"description": "about"}, **{"If-Match": '"1"'})
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["name"] == "Research"
    stale = owner.call("PATCH", path, {"name": "Stale"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    assert owner.call("GET", path).json()["description"] == "about"


def test_archive_restore_and_status_lists(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    ws = new_workspace(owner)
    path = f"/api/workspaces/{ws['id']}"
    archived = owner.call("POST", f"{path}/archive")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert owner.call("POST", f"{path}/archive").status_code == 409
    assert owner.call("GET", "/api/workspaces").json()["items"] == []
    listed = owner.call("GET", "/api/workspaces?status=archived").json()["items"]
    assert [w["id"] for w in listed] == [ws["id"]]
    # nothing new goes into an archived workspace
    refused = owner.call("POST", f"{path}/projects", {"name": "late"})
    assert refused.status_code == 409
    restored = owner.call("POST", f"{path}/restore", **{"If-Match": '"2"'})
    assert restored.status_code == 200 and restored.json()["status"] == "active"
    assert owner.call("POST", f"{path}/restore").status_code == 409


def test_delete_only_when_empty(team):  # type: ignore[no-untyped-def]
    t = team()
    owner = t["owner"]
    ws = new_workspace(owner)
    path = f"/api/workspaces/{ws['id']}"
    add = owner.call("POST", f"{path}/members", {"user_id": t["member"].user_id, "role": "editor"})
    assert add.status_code == 201
    project = new_project(owner, ws["id"])
    assert owner.call("DELETE", path).status_code == 409
    assert owner.call("DELETE", f"/api/projects/{project['id']}").status_code == 204
    # counters do not move the version; an edit does, and a stale delete is refused
    assert owner.call("GET", path)["ETag"] == '"1"'
    assert owner.call("PATCH", path, {"name": "Renamed"}).status_code == 200
    assert owner.call("DELETE", path, **{"If-Match": '"1"'}).status_code == 412
    assert owner.call("DELETE", path).status_code == 204
    assert owner.call("GET", path).status_code == 404
    # its memberships went with it
    assert t["member"].call("GET", "/api/workspaces/mine").json()["items"] == []
    assert owner.call("GET", "/api/dashboard").json()["counts"]["workspaces"] == 0


def test_other_organisations_answer_404(team, outsider):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    ws = new_workspace(owner)
    path = f"/api/workspaces/{ws['id']}"
    for method, sub, body in [
        ("GET", "", None),
        ("PATCH", "", {"name": "pwned"}),
        ("POST", "/archive", None),
        ("POST", "/restore", None),
        ("DELETE", "", None),
    ]:
        assert outsider.call(method, path + sub, body).status_code == 404, (method, sub)
    # with the victim's header, the outsider is no member: 404 as well
    spoofed = outsider.call("GET", path, **{"X-Organization-Id": owner.org_id})
    assert spoofed.status_code == 404
    assert outsider.call("GET", "/api/workspaces").json()["items"] == []
    assert owner.call("GET", f"/api/workspaces/{new_id()}").status_code == 404
    assert owner.call("GET", "/api/workspaces/not-an-id").status_code == 404
    assert owner.call("GET", path).json()["name"] == "Research"


def test_lists_are_sorted_by_recent_activity(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    first, second = new_workspace(owner, "First"), new_workspace(owner, "Second")
    names = [w["name"] for w in owner.call("GET", "/api/workspaces").json()["items"]]
    assert names == ["Second", "First"]
    new_project(owner, first["id"])  # activity in First moves it up
    names = [w["name"] for w in owner.call("GET", "/api/workspaces").json()["items"]]
    assert names == ["First", "Second"]
    assert second["id"]
