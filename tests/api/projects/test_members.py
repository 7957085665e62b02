"""Members and pins of workspaces and projects: add, change role, remove, leave, list."""

from __future__ import annotations

import pytest

from domains.shared.ids import new_id
from tests.api.projects.conftest import new_project, new_workspace


def _resource(owner, scope: str) -> str:  # type: ignore[no-untyped-def]
    ws = new_workspace(owner)
    if scope == "workspaces":
        return f"/api/workspaces/{ws['id']}"
    return f"/api/projects/{new_project(owner, ws['id'])['id']}"


@pytest.mark.parametrize("scope", ["workspaces", "projects"])
def test_add_change_role_and_remove(team, scope):  # type: ignore[no-untyped-def]
    t = team()
    owner, member = t["owner"], t["member"]
    base = _resource(owner, scope)
    added = owner.call("POST", f"{base}/members", {"user_id": member.user_id, "role": "viewer"})
    assert added.status_code == 201 and added.json()["role"] == "viewer" and added["ETag"] == '"1"'
    again = owner.call("POST", f"{base}/members", {"user_id": member.user_id, "role": "editor"})
    assert again.status_code == 409
    listed = owner.call("GET", f"{base}/members").json()["items"]
    assert sorted(m["role"] for m in listed) == ["admin", "viewer"]
    assert owner.call("GET", base).json()["member_count"] == 2
    path = f"{base}/members/{member.user_id}"
    changed = owner.call("PATCH", path, {"role": "editor"}, **{"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json()["role"] == "editor"
    assert owner.call("PATCH", path, {"role": "admin"}, **{"If-Match": '"1"'}).status_code == 412
    assert owner.call("DELETE", path).status_code == 204
    assert owner.call("DELETE", path).status_code == 404
    assert owner.call("GET", base).json()["member_count"] == 1


@pytest.mark.parametrize("scope", ["workspaces", "projects"])
def test_bad_input_is_422(team, scope):  # type: ignore[no-untyped-def]
    t = team()
    base = _resource(t["owner"], scope)
    for body in (
        {},
        {"user_id": t["member"].user_id},
        {"user_id": t["member"].user_id, "role": "owner"},
    ):
        assert t["owner"].call("POST", f"{base}/members", body).status_code == 422, body
    path = f"{base}/members/{t['owner'].user_id}"
    assert t["owner"].call("PATCH", path, {"role": "king"}).status_code == 422
    assert t["owner"].call("GET", f"{base}/members?limit=1000").status_code == 422


@pytest.mark.parametrize("scope", ["workspaces", "projects"])
def test_only_admins_manage_members_and_anyone_may_leave(team, scope):  # type: ignore[no-untyped-def]
    t = team()
    owner, member, viewer = t["owner"], t["member"], t["viewer"]
    base = _resource(owner, scope)
    owner.call("POST", f"{base}/members", {"user_id": member.user_id, "role": "editor"})
    owner.call("POST", f"{base}/members", {"user_id": viewer.user_id, "role": "viewer"})
    body = {"user_id": t["admin"].user_id, "role": "viewer"}
    assert member.call("POST", f"{base}/members", body).status_code == 403
    assert (
        member.call("PATCH", f"{base}/members/{viewer.user_id}", {"role": "admin"}).status_code
        == 403
    )
    assert member.call("DELETE", f"{base}/members/{viewer.user_id}").status_code == 403
    assert member.call("GET", f"{base}/members").status_code == 200
    # the organisation admin manages members without being one
    assert (
        t["admin"].call("PATCH", f"{base}/members/{viewer.user_id}", {"role": "editor"}).status_code
        == 200
    )
    # leaving needs no admin role
    assert viewer.call("DELETE", f"{base}/members/{viewer.user_id}").status_code == 204
    listed = owner.call("GET", f"{base}/members").json()["items"]
    assert viewer.user_id not in {m["user_id"] for m in listed}


@pytest.mark.parametrize("scope", ["workspaces", "projects"])
def test_only_organisation_members_can_be_added(team, outsider, scope):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    base = _resource(owner, scope)
    for user_id in (outsider.user_id, new_id()):
        body = {"user_id": user_id, "role": "viewer"}
        assert owner.call("POST", f"{base}/members", body).status_code == 404


@pytest.mark.parametrize("scope", ["workspaces", "projects"])
def test_other_organisations_answer_404(team, outsider, scope):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    base = _resource(owner, scope)
    for method, sub, body in [
        ("GET", "/members", None),
        ("POST", "/members", {"user_id": outsider.user_id, "role": "admin"}),
        ("PATCH", f"/members/{owner.user_id}", {"role": "viewer"}),
        ("DELETE", f"/members/{owner.user_id}", None),
        ("PUT", "/pin", None),
        ("DELETE", "/pin", None),
    ]:
        assert outsider.call(method, base + sub, body).status_code == 404, (method, sub)
    assert len(owner.call("GET", f"{base}/members").json()["items"]) == 1


@pytest.mark.parametrize("scope", ["workspaces", "projects"])
def test_pins(team, scope):  # type: ignore[no-untyped-def]
    t = team()
    owner = t["owner"]
    base = _resource(owner, scope)
    pinned = owner.call("PUT", f"{base}/pin")
    assert pinned.status_code == 200 and pinned.json()["pinned_at"]
    board = owner.call("GET", "/api/dashboard").json()
    key = "pinned_workspaces" if scope == "workspaces" else "pinned_projects"
    assert len(board[key]) == 1
    unpinned = owner.call("DELETE", f"{base}/pin")
    assert unpinned.status_code == 200 and unpinned.json()["pinned_at"] is None
    assert owner.call("GET", "/api/dashboard").json()[key] == []
    # pins live on a membership: the org admin who is no member is told to join first
    assert t["admin"].call("PUT", f"{base}/pin").status_code == 409
    # someone with no role on it cannot pin it
    assert t["viewer"].call("PUT", f"{base}/pin").status_code == 403
