"""Workspace and project memberships in the admin (Django's test client, moto in-process):
listed per workspace or project or per user, added, re-roled one by one or in bulk, and
removed after confirmation, with the API's counters, audit entries and events."""

from __future__ import annotations

from typing import Any

from django.test import Client

from domains.shared.tenancy import Principal
from nexus.container import container
from tests.api.conftest import Caller
from tests.api.test_admin_projects import (
    audit_entries,
    listed,
    make_projects,
    make_workspaces,
    outbox_events,
    version_on,
)

WS_MEMBERS = "/admin/projects/workspace-members/"
PROJECT_MEMBERS = "/admin/projects/project-members/"


def join_org(staff: Any, org_id: str, user: Caller) -> None:
    container().identity.staff_tenants().add_member(
        principal=Principal(staff.id, is_staff=True),
        org_id=org_id,
        user_id=user.user_id,
        role="member",
    )


def add_member(client: Client, url: str, org_id: str, resource_id: str, user_id: str) -> Any:
    values = {"org_id": org_id, "resource_id": resource_id, "user_id": user_id}
    return client.post(f"{url}add/", {**values, "role": "viewer", "_version": "0"})


def member_count(staff: Any, org_id: str, workspace_id: str) -> int:
    ws = (
        container()
        .projects.staff()
        .get_workspace(
            principal=Principal(staff.id, is_staff=True), org_id=org_id, workspace_id=workspace_id
        )
    )
    return ws.member_count


def test_workspace_members_listed_added_rerolled_and_removed(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner, joiner, stranger = signup("owner", org=True), signup("joiner"), signup("stranger")
    org = owner.org_id
    (ws,) = make_workspaces(owner, 1)
    join_org(staff, org, joiner)
    refused = add_member(admin_client, WS_MEMBERS, org, ws.id, stranger.user_id)
    assert refused.status_code == 200
    assert "no such member of the organisation" in refused.content.decode()
    added = add_member(admin_client, WS_MEMBERS, org, ws.id, joiner.user_id)
    assert added.status_code == 302, added.content
    assert member_count(staff, org, ws.id) == 2
    mine = f"{org}:{ws.id}:{joiner.user_id}"

    members, _, _ = listed(admin_client, f"{WS_MEMBERS}?org={org}&workspace={ws.id}")
    assert set(members) == {mine, f"{org}:{ws.id}:{owner.user_id}"}
    by_user, _, _ = listed(admin_client, f"{WS_MEMBERS}?org={org}&user={joiner.user_id}")
    assert by_user == [mine]
    searched, _, _ = listed(
        admin_client, f"{WS_MEMBERS}?org={org}&workspace={ws.id}&q={joiner.user_id.lower()}"
    )
    assert searched == [mine]
    everyone, _, _ = listed(admin_client, WS_MEMBERS)
    assert set(everyone) == set(members)
    _, _, no_org = listed(admin_client, f"{WS_MEMBERS}?workspace={ws.id}")
    assert "choose the organisation as well" in no_org
    _, _, org_only = listed(admin_client, f"{WS_MEMBERS}?org={org}")
    assert "memberships are listed per workspace or per user" in org_only

    url = f"{WS_MEMBERS}{mine}/change/"
    form = admin_client.get(url).content.decode()
    assert 'name="role"' in form and 'name="user_id"' in form and "disabled" in form
    changed = admin_client.post(url, {"role": "editor", "_version": version_on(form)})
    assert changed.status_code == 302, changed.content
    (entry,) = audit_entries(staff, org, "workspace_member.change_role")
    assert entry.actor_id == staff.id and entry.details["by_staff"] is True
    assert outbox_events("MemberRoleChanged")[0]["data"]["role"] == "editor"

    stale_form = admin_client.get(url).content.decode()
    bulk = admin_client.post(WS_MEMBERS, {"action": "make_admin", "_selected": [mine, members[0]]})
    assert (
        "2 workspace member(s) made admin." in admin_client.get(bulk["Location"]).content.decode()
    )
    stale = admin_client.post(url, {"role": "viewer", "_version": version_on(stale_form)})
    body = stale.content.decode()
    assert "Someone changed this item after you opened it" in body

    delete_url = f"{WS_MEMBERS}{mine}/delete/"
    confirm = admin_client.get(delete_url).content.decode()
    assert "Are you sure" in confirm
    too_old = admin_client.post(delete_url, {"_version": version_on(stale_form)})
    assert "It changed since you opened this page" in too_old.content.decode()
    removed = admin_client.post(delete_url, {"_version": version_on(confirm)})
    assert removed.status_code == 302
    assert admin_client.get(url).status_code == 404
    assert member_count(staff, org, ws.id) == 1
    assert [e["resource_id"] for e in outbox_events("MemberRemoved")] == [
        f"{ws.id}:{joiner.user_id}"
    ]


def test_project_members_listed_per_project_and_removed(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner, joiner = signup("owner", org=True), signup("joiner")
    org = owner.org_id
    (ws,) = make_workspaces(owner, 1)
    project, other = make_projects(owner, ws, 2)
    join_org(staff, org, joiner)
    added = add_member(admin_client, PROJECT_MEMBERS, org, project.id, joiner.user_id)
    assert added.status_code == 302, added.content
    members, _, _ = listed(admin_client, f"{PROJECT_MEMBERS}?org={org}&project={project.id}")
    assert set(members) == {f"{org}:{project.id}:{u}" for u in (owner.user_id, joiner.user_id)}
    alone, _, _ = listed(admin_client, f"{PROJECT_MEMBERS}?org={org}&project={other.id}")
    assert alone == [f"{org}:{other.id}:{owner.user_id}"]
    mine = f"{org}:{project.id}:{joiner.user_id}"
    confirm = admin_client.get(f"{PROJECT_MEMBERS}{mine}/delete/").content.decode()
    removed = admin_client.post(
        f"{PROJECT_MEMBERS}{mine}/delete/", {"_version": version_on(confirm)}
    )
    assert removed.status_code == 302
    left, _, _ = listed(admin_client, f"{PROJECT_MEMBERS}?org={org}&project={project.id}")
    assert left == [f"{org}:{project.id}:{owner.user_id}"]
    assert audit_entries(staff, org, "project_member.remove")[0].actor_id == staff.id
