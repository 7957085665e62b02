"""WorkspaceService on in-memory fakes: create, read, list, change, archive, delete."""

from __future__ import annotations

import pytest

from domains.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

from .world import ORG, OTHER_ORG, World


def test_create_makes_the_creator_admin_and_counts(world: World) -> None:
    ada = world.person("member")
    ws = world.workspaces.create(ctx=ada, name="  Research ", description=" notes ")
    assert (ws.name, ws.description, ws.version, ws.member_count) == ("Research", "notes", 1, 1)
    assert world.stored_ws(ws) == ws
    owner = world.store.members[("workspace", ORG, ws.id, ada.principal.user_id)]
    assert (owner.role, owner.version) == ("admin", 1)
    assert world.count("org", ORG, "workspaces") == 1
    assert world.count("user", "workspace", ORG, ada.principal.user_id) == 1
    assert world.actions() == ["workspace.create"] and world.events() == ["WorkspaceCreated"]
    [entry], [event] = world.store.audit, world.store.events
    assert (entry.resource_id, entry.actor_id, entry.request_id) == (
        ws.id,
        ada.principal.user_id,
        "req-1",
    )
    assert (event.org_id, event.resource_type, event.data) == (
        ORG,
        "workspace",
        {"name": "Research"},
    )


@pytest.mark.parametrize(
    ("name", "description", "field"),
    [
        ("", "", "name"),
        ("   ", "", "name"),
        ("x" * 121, "", "name"),
        ("ok", "d" * 2001, "description"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    world: World, name: str, description: str, field: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        world.workspaces.create(ctx=world.person("member"), name=name, description=description)
    assert raised.value.errors[0]["loc"] == [field]
    assert world.store.workspaces == {} and world.store.events == []


@pytest.mark.parametrize(
    ("role", "allowed"), [("owner", True), ("admin", True), ("member", True), ("viewer", False)]
)
def test_creating_needs_workspace_write(world: World, role: str, allowed: bool) -> None:
    ctx = world.person(role)
    if allowed:
        assert world.workspaces.create(ctx=ctx, name="Mine").created_by == ctx.principal.user_id
    else:
        with pytest.raises(Forbidden):
            world.workspaces.create(ctx=ctx, name="Mine")


def test_get_answers_my_effective_role(world: World) -> None:
    creator, admin, viewer, member = (
        world.person(r) for r in ("member", "admin", "viewer", "member")
    )
    ws = world.workspace(creator)
    world.join_ws(creator, ws, viewer, "editor")
    assert world.workspaces.get(ctx=creator, workspace_id=ws.id) == (world.stored_ws(ws), "admin")
    assert world.stored_ws(ws).member_count == 2
    assert world.workspaces.get(ctx=admin, workspace_id=ws.id)[1] == "admin"  # org admin
    assert world.workspaces.get(ctx=viewer, workspace_id=ws.id)[1] == "editor"
    assert world.workspaces.get(ctx=member, workspace_id=ws.id)[1] is None  # sees it, no role


@pytest.mark.parametrize("wanted", ["other-org", "malformed", "absent"])
def test_get_is_404_for_other_organisations_and_bad_ids(world: World, wanted: str) -> None:
    ws = world.workspace(world.person("member"))
    stranger = world.person("owner", org=OTHER_ORG)
    ctx, workspace_id = {
        "other-org": (stranger, ws.id),
        "malformed": (world.person("owner"), "not-an-id"),
        "absent": (world.person("owner"), new_id()),
    }[wanted]
    with pytest.raises(NotFound):
        world.workspaces.get(ctx=ctx, workspace_id=workspace_id)


def test_list_org_by_recent_activity_per_status(world: World) -> None:
    ada = world.person("member")
    made = []
    for name in ("A", "B", "C"):
        made.append(world.workspace(ada, name))
        world.clock.advance(minutes=1)
    world.workspaces.archive(ctx=ada, workspace_id=made[1].id)
    world.workspace(world.person("owner", org=OTHER_ORG), "Theirs")
    viewer = world.person("viewer")
    active = world.workspaces.list_org(ctx=viewer, page=PageRequest())
    assert [w.name for w in active.items] == ["C", "A"]
    archived = world.workspaces.list_org(ctx=viewer, page=PageRequest(), status="archived")
    assert [w.name for w in archived.items] == ["B"]
    with pytest.raises(ValidationFailed):
        world.workspaces.list_org(ctx=viewer, page=PageRequest(), status="deleted")


def test_list_mine_by_my_activity_and_only_mine(world: World) -> None:
    ada, bob = world.person("member"), world.person("member")
    first, _ = world.workspace(ada, "First"), world.workspace(ada, "Second")
    world.workspace(bob, "Bob's")
    before = world.workspaces.list_mine(ctx=ada, page=PageRequest())
    assert [w.name for w, _ in before.items] == ["Second", "First"]  # same time: newer id
    world.clock.advance(minutes=6)
    world.workspaces.get(ctx=ada, workspace_id=first.id)  # activity
    mine = world.workspaces.list_mine(ctx=ada, page=PageRequest())
    assert [(w.name, m.role) for w, m in mine.items] == [("First", "admin"), ("Second", "admin")]
    assert mine.next_cursor is None


def test_update_needs_workspace_admin_and_bumps_the_version(world: World) -> None:
    ada, bob, org_admin = world.person("member"), world.person("member"), world.person("admin")
    ws = world.workspace(ada)
    world.join_ws(ada, ws, bob, "editor")
    with pytest.raises(Forbidden):
        world.workspaces.update(ctx=bob, workspace_id=ws.id, expected_version=None, name="Bob's")
    world.clock.advance(minutes=1)
    changed = world.workspaces.update(
        ctx=org_admin, workspace_id=ws.id, expected_version=1, name="Lab", description="new"
    )
    assert (changed.name, changed.description, changed.version) == ("Lab", "new", 2)
    assert changed.updated_at == changed.last_activity_at == world.clock.now()
    assert world.stored_ws(ws) == changed
    assert world.events()[-1] == "WorkspaceUpdated" and world.actions()[-1] == "workspace.update"


def test_update_over_a_stale_version_is_412_and_bad_names_422(world: World) -> None:
    ada = world.person("member")
    ws = world.workspace(ada)
    with pytest.raises(PreconditionFailed):
        world.workspaces.update(ctx=ada, workspace_id=ws.id, expected_version=7, name="Lab")
    with pytest.raises(ValidationFailed):
        world.workspaces.update(ctx=ada, workspace_id=ws.id, expected_version=1, name=" ")
    assert world.stored_ws(ws) == ws and world.events() == ["WorkspaceCreated"]


def test_archive_and_restore_once_each(world: World) -> None:
    ada = world.person("member")
    ws = world.workspace(ada)
    archived = world.workspaces.archive(ctx=ada, workspace_id=ws.id, expected_version=1)
    assert (archived.status, archived.version) == ("archived", 2)
    with pytest.raises(Conflict):
        world.workspaces.archive(ctx=ada, workspace_id=ws.id)
    restored = world.workspaces.restore(ctx=ada, workspace_id=ws.id)
    assert (restored.status, restored.version) == ("active", 3)
    with pytest.raises(Conflict):
        world.workspaces.restore(ctx=ada, workspace_id=ws.id)
    assert world.events() == ["WorkspaceCreated", "WorkspaceArchived", "WorkspaceRestored"]
    assert world.actions()[1:] == ["workspace.archive", "workspace.restore"]


def test_a_viewer_of_the_organisation_changes_nothing(world: World) -> None:
    ada, viewer = world.person("member"), world.person("viewer")
    ws = world.workspace(ada)
    world.join_ws(ada, ws, viewer, "admin")  # even as the workspace's admin
    for change in (world.workspaces.archive, world.workspaces.delete):
        with pytest.raises(Forbidden):
            change(ctx=viewer, workspace_id=ws.id)


def test_delete_only_when_empty_and_the_memberships_go(world: World) -> None:
    ada, bob = world.person("member"), world.person("member")
    ws = world.workspace(ada)
    world.join_ws(ada, ws, bob, "viewer")
    project = world.project(ada, ws)
    with pytest.raises(Conflict):
        world.workspaces.delete(ctx=ada, workspace_id=ws.id)
    world.projects.delete(ctx=ada, project_id=project.id)
    with pytest.raises(PreconditionFailed):
        world.workspaces.delete(ctx=ada, workspace_id=ws.id, expected_version=2)
    with pytest.raises(Forbidden):
        world.workspaces.delete(ctx=bob, workspace_id=ws.id)
    world.workspaces.delete(ctx=ada, workspace_id=ws.id, expected_version=1)
    assert world.store.workspaces == {} and world.store.members == {}
    assert world.count("org", ORG, "workspaces") == 0
    for user in (ada, bob):
        assert world.count("user", "workspace", ORG, user.principal.user_id) == 0
    assert world.events()[-1] == "WorkspaceDeleted" and world.actions()[-1] == "workspace.delete"
    assert world.store.events[-1].data == {"name": "Research"}
    with pytest.raises(NotFound):
        world.workspaces.get(ctx=ada, workspace_id=ws.id)
