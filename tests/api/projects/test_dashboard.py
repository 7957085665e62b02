"""GET /api/dashboard: my recent and pinned workspaces and projects with the counts, in a
fixed number of DynamoDB calls whatever the number of projects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.dynamodb.codec import encode_item
from adapters.dynamodb.projects.keys import user_stats_key
from domains.projects.model import Member, Project
from domains.shared.ids import new_id
from nexus.container import container
from tests.api.projects.conftest import new_project, new_workspace

# 1 GetItem for the tenant, 4 Queries, 1 BatchGetItem across four tables
DASHBOARD_CALLS = [
    ("GetItem", "organization-memberships"),
    ("Query", "workspace-memberships"),
    ("Query", "project-memberships"),
    ("Query", "workspace-memberships"),
    ("Query", "project-memberships"),
    ("BatchGetItem", "project-memberships+projects+workspace-memberships+workspaces"),
]


def _seed_projects(owner, workspace_id: str, count: int, *, pinned: int) -> None:  # type: ignore[no-untyped-def]
    """`count` projects the owner is admin of, the first `pinned` of them pinned, and the
    counters moved as the services would move them."""
    root = container()
    dynamo, start = root.gateways.dynamo(), datetime.now(UTC)
    with root.projects.uow()() as uow:
        puts: dict[str, list[dict[str, Any]]] = {"projects": [], "project-memberships": []}
        for n in range(count):
            at = start + timedelta(milliseconds=n + 1)
            project = Project(owner.org_id, new_id(), workspace_id, f"p{n}", owner.user_id, at, at)
            member = Member(
                owner.org_id,
                "project",
                project.id,
                owner.user_id,
                "admin",
                at,
                at,
                pinned_at=at if n < pinned else None,
            )
            puts["projects"].append(uow.projects.to_item(project) | {"version": 1})
            puts["project-memberships"].append(uow.project_members.to_item(member) | {"version": 1})
        for table, items in puts.items():
            for chunk in range(0, len(items), 25):
                requests = [
                    {"PutRequest": {"Item": encode_item(i)}} for i in items[chunk : chunk + 25]
                ]
                dynamo.batch_write_item(RequestItems={table: requests})
        uow.workspaces.count_projects(owner.org_id, workspace_id, count, at=start)
        uow.stage(
            lambda tx: tx.update(
                "project-memberships",
                user_stats_key(owner.org_id, owner.user_id),
                add={"count": count},
            )
        )
        uow.commit()


def _dashboard_calls(caller):  # type: ignore[no-untyped-def]
    with container().gateways.recorder().capture() as calls:
        response = caller.call("GET", "/api/dashboard")
    assert response.status_code == 200, response.content
    return response.json(), [(c.operation, c.table) for c in calls]


def test_recent_items_pins_and_counts(team):  # type: ignore[no-untyped-def]
    t = team()
    owner = t["owner"]
    ws_a, ws_b = new_workspace(owner, "A"), new_workspace(owner, "B")
    p1 = new_project(owner, ws_a["id"], "P1")
    new_project(owner, ws_b["id"], "P2")
    owner.call("PUT", f"/api/projects/{p1['id']}/pin")
    board = owner.call("GET", "/api/dashboard").json()
    assert [p["project"]["name"] for p in board["recent_projects"]] == ["P2", "P1"]
    assert [w["workspace"]["name"] for w in board["recent_workspaces"]] == ["B", "A"]
    assert [p["project"]["name"] for p in board["pinned_projects"]] == ["P1"]
    assert board["counts"] == {"workspaces": 2, "projects": 2, "my_workspaces": 2, "my_projects": 2}
    # another member's dashboard is theirs: the org counts, none of the owner's items
    other = t["member"].call("GET", "/api/dashboard").json()
    assert other["recent_projects"] == [] and other["counts"]["my_projects"] == 0
    assert other["counts"]["projects"] == 2


def test_activity_reorders_the_recent_projects(team, monkeypatch):  # type: ignore[no-untyped-def]
    from domains.projects import model

    owner = team()["owner"]
    ws = new_workspace(owner)
    first, _ = new_project(owner, ws["id"], "First"), new_project(owner, ws["id"], "Second")
    monkeypatch.setattr(model, "ACTIVITY_GRANULARITY", model.ACTIVITY_GRANULARITY * 0)
    assert owner.call("GET", f"/api/projects/{first['id']}").status_code == 200
    board = owner.call("GET", "/api/dashboard").json()
    assert [p["project"]["name"] for p in board["recent_projects"]] == ["First", "Second"]


def test_reading_records_activity_at_most_every_few_minutes(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    project = new_project(owner, new_workspace(owner)["id"])
    with container().gateways.recorder().capture() as calls:
        for _ in range(3):
            owner.call("GET", f"/api/projects/{project['id']}")
    assert not [c for c in calls if c.operation == "UpdateItem"]


def test_the_call_count_is_the_same_for_1_and_500_projects(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    ws = new_workspace(owner)
    new_project(owner, ws["id"], "first")
    board, calls_for_one = _dashboard_calls(owner)
    assert calls_for_one == DASHBOARD_CALLS and len(board["recent_projects"]) == 1

    # 499 more, written as the adapter maps them but in batches: moto's in-process
    # TransactWriteItems copies the tables, which would make 499 creates take minutes
    _seed_projects(owner, ws["id"], 499, pinned=15)
    board, calls_for_500 = _dashboard_calls(owner)
    assert calls_for_500 == DASHBOARD_CALLS
    assert len(board["recent_projects"]) == 10 and len(board["pinned_projects"]) == 10
    assert board["counts"]["projects"] == 500 and board["counts"]["my_projects"] == 500
    assert board["recent_projects"][0]["project"]["name"] == "p498"


def test_bad_input_and_other_tenants(team, outsider):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    assert owner.call("GET", "/api/dashboard", **{"X-Organization-Id": ""}).status_code == 422
    assert (
        outsider.call("GET", "/api/dashboard", **{"X-Organization-Id": owner.org_id}).status_code
        == 404
    )


def test_api_keys_without_project_read_are_refused(team, http):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    minted = owner.call(
        "POST",
        f"/api/organizations/{owner.org_id}/api-keys",
        {"name": "bot", "permissions": ["org:read"]},
    )
    assert minted.status_code == 201, minted.content
    key = minted.json()["key"]
    # the key names its organisation: no header needed
    refused = http.get("/api/dashboard", HTTP_X_API_KEY=key)
    assert refused.status_code == 403, refused.content
    minted = owner.call(
        "POST",
        f"/api/organizations/{owner.org_id}/api-keys",
        {"name": "reader", "permissions": ["project:read"]},
    )
    board = http.get("/api/dashboard", HTTP_X_API_KEY=minted.json()["key"])
    assert board.status_code == 200 and board.json()["counts"]["my_projects"] == 0
