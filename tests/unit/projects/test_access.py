"""Effective roles from the three sources (services/access.py), as the services apply them."""

from __future__ import annotations

import pytest

from domains.shared.errors import Forbidden

from .world import World


@pytest.mark.parametrize(
    ("org_role", "ws_role", "project_role", "effective"),
    [
        ("owner", None, None, "admin"),
        ("admin", None, None, "admin"),
        ("admin", "viewer", "viewer", "admin"),
        ("member", None, None, None),
        ("viewer", None, None, None),
        ("member", "admin", None, "admin"),  # a workspace admin is admin of its projects
        ("member", "editor", None, "viewer"),  # the workspace's others may view
        ("member", "viewer", None, "viewer"),
        ("member", "viewer", "editor", "editor"),
        ("member", "editor", "admin", "admin"),
        ("member", None, "viewer", "viewer"),
        ("viewer", None, "editor", "editor"),
    ],
)
def test_the_effective_project_role(
    world: World,
    org_role: str,
    ws_role: str | None,
    project_role: str | None,
    effective: str | None,
) -> None:
    creator, caller = world.person("member"), world.person(org_role)
    ws = world.workspace(creator)
    p = world.project(creator, ws)
    if ws_role:
        world.join_ws(creator, ws, caller, ws_role)
    if project_role:
        world.join_project(creator, p, caller, project_role)
    if effective is None:
        with pytest.raises(Forbidden):
            world.projects.get(ctx=caller, project_id=p.id)
    else:
        assert world.projects.get(ctx=caller, project_id=p.id)[1] == effective


@pytest.mark.parametrize(
    ("org_role", "ws_role", "effective"),
    [
        ("owner", None, "admin"),
        ("admin", None, "admin"),
        ("member", None, None),
        ("viewer", None, None),
        ("member", "editor", "editor"),
        ("viewer", "admin", "admin"),
    ],
)
def test_the_effective_workspace_role(
    world: World, org_role: str, ws_role: str | None, effective: str | None
) -> None:
    creator, caller = world.person("member"), world.person(org_role)
    ws = world.workspace(creator)
    if ws_role:
        world.join_ws(creator, ws, caller, ws_role)
    assert world.workspaces.get(ctx=caller, workspace_id=ws.id)[1] == effective


def test_an_org_viewer_with_a_project_role_still_cannot_write(world: World) -> None:
    """Both must hold: the organisation's permission and the resource's role."""
    creator, viewer = world.person("member"), world.person("viewer")
    p = world.project(creator, world.workspace(creator))
    world.join_project(creator, p, viewer, "admin")
    with pytest.raises(Forbidden, match="project:write"):
        world.projects.update(ctx=viewer, project_id=p.id, expected_version=None, name="Mine")


def test_an_api_key_has_its_permissions_and_its_users_roles_only(world: World) -> None:
    owner, bob = world.person("owner"), world.person("member")
    p = world.project(bob, world.workspace(bob))
    # the owner's key does not carry workspace:admin: the organisation-wide role is gone
    owners_key = world.api_key(owner, {"project:read", "project:write"})
    with pytest.raises(Forbidden):
        world.projects.get(ctx=owners_key, project_id=p.id)
    world.join_project(bob, p, owner, "viewer")
    assert world.projects.get(ctx=owners_key, project_id=p.id)[1] == "viewer"
    with pytest.raises(Forbidden):
        world.projects.update(ctx=owners_key, project_id=p.id, expected_version=None, name="K")
    assert world.projects.get(ctx=owner, project_id=p.id)[1] == "admin"
