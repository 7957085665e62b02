"""The dashboard selector and the activity that orders it, on in-memory fakes."""

from __future__ import annotations

import pytest

from domains.projects.model import Counts
from domains.shared.errors import Forbidden

from .world import ORG, World


def test_the_dashboard_orders_by_my_activity_with_pins_and_counts(world: World) -> None:
    ada, bob = world.person("member"), world.person("member")
    research, ops = world.workspace(ada, "Research"), world.workspace(ada, "Ops")
    world.workspace(bob, "Bob's")
    churn = world.project(ada, research, "churn")
    world.clock.advance(minutes=1)
    world.project(ada, ops, "ops")
    world.clock.advance(minutes=5)
    world.projects.get(ctx=ada, project_id=churn.id)
    world.workspaces.get(ctx=ada, workspace_id=research.id)
    world.pr_members.pin(ctx=ada, resource_id=churn.id, pinned=True)

    board = world.dashboard.dashboard(ctx=ada)
    assert [w.name for w, _ in board.recent_workspaces] == ["Research", "Ops"]
    assert [p.name for p, _ in board.recent_projects] == ["churn", "ops"]
    assert [(p.name, m.pinned_at) for p, m in board.pinned_projects] == [
        ("churn", world.clock.now())
    ]
    assert board.pinned_workspaces == []
    assert board.counts == Counts(workspaces=3, projects=2, my_workspaces=2, my_projects=2)
    assert world.dashboard.dashboard(ctx=bob).counts == Counts(3, 2, 1, 0)
    short = world.dashboard.dashboard(ctx=ada, limit=1)
    assert [p.name for p, _ in short.recent_projects] == ["churn"]


def test_the_dashboard_needs_project_read(world: World) -> None:
    ada = world.person("member")
    with pytest.raises(Forbidden):
        world.dashboard.dashboard(ctx=world.api_key(ada, {"workspace:read"}))
    key = world.api_key(ada, {"project:read"})
    assert world.dashboard.dashboard(ctx=key).counts == Counts()


def test_workspace_activity_is_written_at_most_every_five_minutes(world: World) -> None:
    ada, org_admin = world.person("member"), world.person("admin")
    ws = world.workspace(ada)
    key = ("workspace", ORG, ws.id, ada.principal.user_id)
    start = world.clock.now()
    world.clock.advance(minutes=4)
    world.workspaces.get(ctx=ada, workspace_id=ws.id)
    assert world.store.members[key].last_activity_at == start
    world.clock.advance(minutes=1)
    world.workspaces.get(ctx=ada, workspace_id=ws.id)
    world.workspaces.get(ctx=org_admin, workspace_id=ws.id)  # no membership: nothing to touch
    touched = world.store.members[key]
    assert (touched.last_activity_at, touched.version) == (world.clock.now(), 1)
    assert world.stored_ws(ws).version == 1
    assert world.events() == ["WorkspaceCreated"] and world.actions() == ["workspace.create"]
    assert [m.user_id for m in world.store.members.values()] == [ada.principal.user_id]


def test_activity_survives_a_pin_and_a_role_change(world: World) -> None:
    ada, bob = world.person("member"), world.person("member")
    ws = world.workspace(ada)
    world.join_ws(ada, ws, bob, "viewer")
    world.clock.advance(minutes=10)
    world.workspaces.get(ctx=bob, workspace_id=ws.id)
    seen = world.clock.now()
    world.clock.advance(minutes=1)
    world.ws_members.pin(ctx=bob, resource_id=ws.id, pinned=True)
    world.ws_members.change_role(
        ctx=ada, resource_id=ws.id, user_id=bob.principal.user_id, role="editor"
    )
    bobs = world.store.members[("workspace", ORG, ws.id, bob.principal.user_id)]
    assert (bobs.last_activity_at, bobs.role, bobs.version) == (seen, "editor", 3)
    assert bobs.pinned_at == world.clock.now()
