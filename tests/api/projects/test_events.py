"""Every change of the projects context writes an audit entry and a domain event (an outbox
item) in its own transaction; a refused change writes neither."""

from __future__ import annotations

from adapters.dynamodb.codec import decode_item
from nexus.container import container
from tests.api.projects.conftest import new_project, new_workspace


def _outbox() -> list[dict]:  # type: ignore[type-arg]
    items = container().gateways.dynamo().scan("system-logs")["Items"]
    events = [decode_item(i) for i in items if i["pk"]["S"].startswith("OUTBOX#")]
    return sorted(events, key=lambda e: e["sk"])


def _audit_actions(caller) -> list[str]:  # type: ignore[no-untyped-def]
    page = caller.call("GET", f"/api/organizations/{caller.org_id}/audit?limit=100").json()
    return [e["action"] for e in reversed(page["items"])]


def test_each_change_writes_its_audit_entry_and_event(team):  # type: ignore[no-untyped-def]
    t = team()
    owner = t["owner"]
    source, target = new_workspace(owner, "Source"), new_workspace(owner, "Target")
    project = new_project(owner, source["id"])
    path = f"/api/projects/{project['id']}"
    owner.call("POST", f"{path}/members", {"user_id": t["member"].user_id, "role": "viewer"})
    owner.call("PATCH", f"{path}/members/{t['member'].user_id}", {"role": "editor"})
    owner.call("PATCH", path, {"name": "Renamed"})
    owner.call("POST", f"{path}/move", {"workspace_id": target["id"]})
    owner.call("POST", f"{path}/archive")
    owner.call("DELETE", f"{path}/members/{t['member'].user_id}")
    assert owner.call("DELETE", path).status_code == 204

    names = [e["name"] for e in _outbox()]
    assert names == [
        "WorkspaceCreated",
        "WorkspaceCreated",
        "ProjectCreated",
        "MemberAdded",
        "MemberRoleChanged",
        "ProjectUpdated",
        "ProjectMoved",
        "ProjectArchived",
        "MemberRemoved",
        "ProjectDeleted",
    ]
    moved = next(e for e in _outbox() if e["name"] == "ProjectMoved")
    assert moved["org_id"] == owner.org_id and moved["actor_id"] == owner.user_id
    assert moved["resource_type"] == "project" and moved["resource_id"] == project["id"]
    assert moved["data"] == {"from_workspace_id": source["id"], "to_workspace_id": target["id"]}
    assert moved["expires_at"] > 0  # a safety net only: the relay deletes what it hands on
    actions = [a for a in _audit_actions(owner) if not a.startswith(("organization", "member."))]
    assert actions == [
        "workspace.create",
        "workspace.create",
        "project.create",
        "project_member.add",
        "project_member.change_role",
        "project.update",
        "project.move",
        "project.archive",
        "project_member.remove",
        "project.delete",
    ]


def test_a_refused_change_writes_nothing(team):  # type: ignore[no-untyped-def]
    t = team()
    ws = new_workspace(t["owner"])
    before = len(_outbox())
    assert (
        t["viewer"].call("PATCH", f"/api/workspaces/{ws['id']}", {"name": "x"}).status_code == 403
    )
    stale = t["owner"].call(
        "PATCH", f"/api/workspaces/{ws['id']}", {"name": "x"}, **{"If-Match": '"9"'}
    )
    assert stale.status_code == 412
    assert len(_outbox()) == before
