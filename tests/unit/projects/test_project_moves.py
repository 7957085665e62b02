"""ProjectService on in-memory fakes: moving a project between workspaces, and deleting one."""

from __future__ import annotations

import pytest

from domains.shared.errors import Conflict, Forbidden, NotFound, PreconditionFailed
from domains.shared.pagination import PageRequest

from .world import ORG, OTHER_ORG, World


def test_a_move_counts_both_workspaces_and_keeps_the_org_total(world: World) -> None:
    ada, bob = world.person("member"), world.person("member")
    source, target = world.workspace(ada, "Source"), world.workspace(ada, "Target")
    p = world.project(ada, source)
    world.project(ada, source, "stays")
    world.join_project(ada, p, bob, "editor")
    world.clock.advance(minutes=1)
    moved = world.projects.move(
        ctx=ada, project_id=p.id, workspace_id=target.id, expected_version=1
    )
    assert (moved.workspace_id, moved.version, moved.updated_at) == (
        target.id,
        2,
        world.clock.now(),
    )
    assert world.stored_project(p) == moved
    assert [world.stored_ws(w).project_count for w in (source, target)] == [1, 1]
    assert all(world.stored_ws(w).last_activity_at == world.clock.now() for w in (source, target))
    assert world.count("org", ORG, "projects") == 2
    assert world.events()[-1] == "ProjectMoved" and world.actions()[-1] == "project.move"
    assert world.store.events[-1].data == {
        "from_workspace_id": source.id,
        "to_workspace_id": target.id,
    }
    # the memberships follow: they are keyed by the project
    assert world.projects.get(ctx=bob, project_id=p.id)[1] == "editor"
    listed = world.projects.list_workspace(ctx=ada, workspace_id=target.id, page=PageRequest())
    assert [x.id for x in listed.items] == [p.id]


def test_moving_needs_project_admin_and_target_editor(world: World) -> None:
    ada, bob = world.person("member"), world.person("member")
    source, target = world.workspace(ada, "Source"), world.workspace(ada, "Target")
    p = world.project(ada, source)
    world.join_project(ada, p, bob, "editor")
    with pytest.raises(Forbidden):  # an editor of the project may not move it
        world.projects.move(ctx=bob, project_id=p.id, workspace_id=target.id)
    bobs = world.workspace(bob, "Bob's")
    with pytest.raises(Forbidden):  # ada has no role in bob's workspace
        world.projects.move(ctx=ada, project_id=p.id, workspace_id=bobs.id)
    world.join_ws(bob, bobs, ada, "viewer")
    with pytest.raises(Forbidden):
        world.projects.move(ctx=ada, project_id=p.id, workspace_id=bobs.id)
    world.ws_members.change_role(
        ctx=bob, resource_id=bobs.id, user_id=ada.principal.user_id, role="editor"
    )
    assert world.projects.move(ctx=ada, project_id=p.id, workspace_id=bobs.id).workspace_id == (
        bobs.id
    )
    org_admin = world.person("admin")  # admin of everything in the organisation
    assert world.projects.move(ctx=org_admin, project_id=p.id, workspace_id=target.id).version == 3


def test_moves_that_cannot_be(world: World) -> None:
    ada = world.person("member")
    source, archived = world.workspace(ada, "Source"), world.workspace(ada, "Archived")
    p = world.project(ada, source)
    world.workspaces.archive(ctx=ada, workspace_id=archived.id)
    with pytest.raises(Conflict):
        world.projects.move(ctx=ada, project_id=p.id, workspace_id=source.id)
    with pytest.raises(Conflict):
        world.projects.move(ctx=ada, project_id=p.id, workspace_id=archived.id)
    foreign = world.workspace(world.person("owner", org=OTHER_ORG))
    with pytest.raises(NotFound):
        world.projects.move(ctx=ada, project_id=p.id, workspace_id=foreign.id)
    with pytest.raises(NotFound):
        world.projects.move(ctx=ada, project_id=p.id, workspace_id="nope")
    target = world.workspace(ada, "Target")
    with pytest.raises(PreconditionFailed):
        world.projects.move(ctx=ada, project_id=p.id, workspace_id=target.id, expected_version=9)
    assert world.stored_project(p) == p
    assert world.stored_ws(source).project_count == 1


def test_delete_needs_project_admin_and_purges_its_memberships(world: World) -> None:
    ada, bob, cyd = world.person("member"), world.person("member"), world.person("member")
    ws = world.workspace(ada)
    p, kept = world.project(ada, ws), world.project(ada, ws, "kept")
    world.join_project(ada, p, bob, "editor")
    world.join_ws(ada, ws, cyd, "admin")
    with pytest.raises(Forbidden):
        world.projects.delete(ctx=bob, project_id=p.id)
    with pytest.raises(PreconditionFailed):
        world.projects.delete(ctx=cyd, project_id=p.id, expected_version=2)
    world.projects.delete(ctx=cyd, project_id=p.id, expected_version=1)  # the workspace's admin
    assert (ORG, p.id) not in world.store.projects
    assert [k[2] for k in world.store.members if k[0] == "project"] == [kept.id]
    assert world.count("user", "project", ORG, bob.principal.user_id) == 0
    assert world.count("user", "project", ORG, ada.principal.user_id) == 1
    assert world.stored_ws(ws).project_count == 1 and world.count("org", ORG, "projects") == 1
    assert world.events()[-1] == "ProjectDeleted" and world.actions()[-1] == "project.delete"
    assert world.store.events[-1].data == {"workspace_id": ws.id, "name": "Churn"}
    with pytest.raises(NotFound):
        world.projects.get(ctx=ada, project_id=p.id)
