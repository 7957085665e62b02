"""GET /api/activity: the organisation's feed from real changes, newest first, each entry
linking its actor and resource; filters by user, project and resource; pages by cursor."""

from __future__ import annotations

from typing import Any

from domains.shared.ids import new_id
from nexus.container import container
from tests.api.analytics.conftest import record_update, relay_outbox
from tests.api.projects.conftest import new_project, new_workspace
from tests.fakes.analytics import domain_event

# 1 GetItem resolves the tenant, 1 Query reads the page
ACTIVITY_CALLS = [("GetItem", "organization-memberships"), ("Query", "activity-feed")]


def _feed(caller, query: str = "") -> Any:  # type: ignore[no-untyped-def]
    response = caller.call("GET", f"/api/activity{query}")
    assert response.status_code == 200, response.content
    return response.json()


def _changes(org) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The owner makes a workspace and a project and adds the member to it; relayed."""
    owner, member = org["owner"], org["member"]
    ws = new_workspace(owner, "Research")
    project = new_project(owner, ws["id"], "Churn")
    path = f"/api/projects/{project['id']}/members"
    added = owner.call("POST", path, {"user_id": member.user_id, "role": "editor"})
    assert added.status_code == 201, added.content
    relay_outbox()
    return {"workspace": ws, "project": project}


def test_the_feed_of_real_changes_links_actors_and_resources(org):  # type: ignore[no-untyped-def]
    made = _changes(org)
    owner, viewer = org["owner"], org["viewer"]
    ws, project = made["workspace"]["id"], made["project"]["id"]
    items = _feed(viewer)["items"]  # a viewer holds analytics:read
    assert [(e["type"], e["summary"]) for e in items] == [
        ("MemberAdded", "Member added as editor"),
        ("ProjectCreated", "Project created: Churn"),
        ("WorkspaceCreated", "Workspace created: Research"),
    ]
    org_path = f"/api/organizations/{owner.org_id}"
    actor = {"id": owner.user_id, "kind": "user", "path": f"{org_path}/members/{owner.user_id}"}
    assert all(e["actor"] == actor for e in items)
    added, created, opened = items
    assert created["verb"] == "created" and created["at"].endswith("Z")
    assert created["resource"] == {
        "type": "project",
        "id": project,
        "path": f"/api/projects/{project}",
    }
    assert created["project"] == {"id": project, "path": f"/api/projects/{project}"}
    assert created["workspace"] == {"id": ws, "path": f"/api/workspaces/{ws}"}
    assert added["resource"] == {
        "type": "project_member",
        "id": f"{project}:{org['member'].user_id}",
        "path": f"/api/projects/{project}/members",
    }
    assert added["project"]["id"] == project and added["workspace"] is None
    assert opened["resource"]["path"] == f"/api/workspaces/{ws}" and opened["project"] is None


def test_filters_by_user_project_and_resource(org):  # type: ignore[no-untyped-def]
    made = _changes(org)
    owner, member = org["owner"], org["member"]
    ws, project = made["workspace"]["id"], made["project"]["id"]
    feed = container().analytics.feed()
    left = domain_event(
        "MemberLeft",
        org_id=owner.org_id,
        actor_id=member.user_id,
        resource=("project_member", f"{project}:{member.user_id}"),
        project_id=project,
        user_id=member.user_id,
    )
    assert feed.record(left)

    def types(query: str) -> list[str]:
        return [e["type"] for e in _feed(owner, query)["items"]]

    assert types(f"?user={member.user_id}") == ["MemberLeft"]
    assert types(f"?user={owner.user_id}") == ["MemberAdded", "ProjectCreated", "WorkspaceCreated"]
    assert types(f"?project={project}") == ["MemberLeft", "MemberAdded", "ProjectCreated"]
    assert types(f"?resource_type=project&resource_id={project}") == types(f"?project={project}")
    assert types(f"?resource_type=workspace&resource_id={ws}") == ["WorkspaceCreated"]
    member_resource = f"resource_type=project_member&resource_id={project}:{member.user_id}"
    assert types(f"?project={project}&{member_resource}") == ["MemberLeft", "MemberAdded"]
    assert types(f"?project={new_id()}") == []
    assert types(f"?user={new_id()}") == []


def test_pages_of_a_long_feed_in_one_query_each(org):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    project = new_id()
    events = [record_update(owner, project_id=project) for _ in range(60)]
    for query in ("?limit=25", f"?limit=25&project={project}", f"?limit=25&user={owner.user_id}"):
        seen, pages, cursor = [], 0, None
        while True:
            suffix = f"&cursor={cursor}" if cursor else ""
            with container().gateways.recorder().capture() as calls:
                page = _feed(owner, query + suffix)
            assert [(c.operation, c.table) for c in calls] == ACTIVITY_CALLS
            seen += [e["id"] for e in page["items"]]
            pages, cursor = pages + 1, page["next_cursor"]
            if cursor is None:
                break
        assert pages == 3 and seen == [e.id for e in reversed(events)], query


def test_a_redelivered_event_shows_once(org):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    event = domain_event(
        "WorkspaceArchived",
        org_id=owner.org_id,
        actor_id=owner.user_id,
        resource=("workspace", new_id()),
    )
    feed = container().analytics.feed()
    assert feed.record(event) is True
    assert feed.record(event) is False
    _changes(org)
    relay_outbox()  # the whole outbox again: every event a second time
    types = [e["type"] for e in _feed(owner)["items"]]
    assert types == ["MemberAdded", "ProjectCreated", "WorkspaceCreated", "WorkspaceArchived"]


def test_api_keys_and_an_api_key_actor(org, http):  # type: ignore[no-untyped-def]
    owner = org["owner"]

    def mint(permissions: list[str]) -> Any:
        minted = owner.call(
            "POST",
            f"/api/organizations/{owner.org_id}/api-keys",
            {"name": "bot", "permissions": permissions},
        )
        assert minted.status_code == 201, minted.content
        return minted.json()

    refused = http.get("/api/activity", HTTP_X_API_KEY=mint(["org:read"])["key"])
    assert refused.status_code == 403, refused.content
    reader = mint(["analytics:read"])
    bot = f"apikey:{reader['id']}"
    record_update(owner, actor_id=bot)
    listed = http.get(f"/api/activity?user={bot}", HTTP_X_API_KEY=reader["key"])
    assert listed.status_code == 200, listed.content
    [entry] = listed.json()["items"]
    keys = f"/api/organizations/{owner.org_id}/api-keys"
    assert entry["actor"] == {
        "id": reader["id"],
        "kind": "api_key",
        "path": f"{keys}/{reader['id']}",
    }
