"""MemberService of both scopes on in-memory fakes: add, change role, remove, leave, pin."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domains.projects.services.members import MemberService
from domains.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import TenantContext

from .world import ORG, OTHER_ORG, World

SCOPES = ["workspace", "project"]


def _setup(world: World, scope: str) -> tuple[MemberService, TenantContext, str, Callable[[], int]]:
    """The scope's service, the resource's admin, its id, and its member count."""
    ada = world.person("member")
    ws = world.workspace(ada)
    if scope == "workspace":
        return world.ws_members, ada, ws.id, lambda: world.stored_ws(ws).member_count
    p = world.project(ada, ws)
    return world.pr_members, ada, p.id, lambda: world.stored_project(p).member_count


def _user(ctx: TenantContext) -> str:
    return ctx.principal.user_id


@pytest.mark.parametrize("scope", SCOPES)
def test_add_counts_audits_and_publishes(world: World, scope: str) -> None:
    service, ada, resource, members = _setup(world, scope)
    bob = world.person("viewer")
    added = service.add(ctx=ada, resource_id=resource, user_id=_user(bob), role="editor")
    assert (added.role, added.version, added.scope) == ("editor", 1, scope)
    assert world.store.members[(scope, ORG, resource, _user(bob))] == added
    assert members() == 2 and world.count("user", scope, ORG, _user(bob)) == 1
    assert world.events()[-1] == "MemberAdded"
    assert world.actions()[-1] == f"{scope}_member.add"
    event = world.store.events[-1]
    assert (event.resource_type, event.resource_id) == (
        f"{scope}_member",
        f"{resource}:{_user(bob)}",
    )
    assert event.data == {f"{scope}_id": resource, "user_id": _user(bob), "role": "editor"}
    with pytest.raises(Conflict):
        service.add(ctx=ada, resource_id=resource, user_id=_user(bob), role="viewer")
    assert members() == 2


@pytest.mark.parametrize("scope", SCOPES)
def test_add_refuses_bad_roles_strangers_and_non_admins(world: World, scope: str) -> None:
    service, ada, resource, members = _setup(world, scope)
    bob, cyd = world.person("member"), world.person("member")
    with pytest.raises(ValidationFailed):
        service.add(ctx=ada, resource_id=resource, user_id=_user(bob), role="owner")
    stranger = world.person("member", org=OTHER_ORG)
    with pytest.raises(NotFound):  # not a member of this organisation
        service.add(ctx=ada, resource_id=resource, user_id=_user(stranger), role="viewer")
    service.add(ctx=ada, resource_id=resource, user_id=_user(bob), role="editor")
    with pytest.raises(Forbidden):
        service.add(ctx=bob, resource_id=resource, user_id=_user(cyd), role="viewer")
    with pytest.raises(NotFound):  # another organisation's people do not see it
        service.add(ctx=stranger, resource_id=resource, user_id=_user(stranger), role="viewer")
    assert members() == 2


@pytest.mark.parametrize(
    ("role", "allowed"), [("owner", True), ("admin", True), ("member", False), ("viewer", False)]
)
def test_organisation_admins_manage_every_membership(
    world: World, role: str, allowed: bool
) -> None:
    service, _, resource, _ = _setup(world, "project")
    caller, bob = world.person(role), world.person("member")
    if allowed:
        service.add(ctx=caller, resource_id=resource, user_id=_user(bob), role="viewer")
    else:
        with pytest.raises(Forbidden):
            service.add(ctx=caller, resource_id=resource, user_id=_user(bob), role="viewer")


@pytest.mark.parametrize("scope", SCOPES)
def test_change_role_checks_the_version(world: World, scope: str) -> None:
    service, ada, resource, _ = _setup(world, scope)
    bob = world.person("member")
    service.add(ctx=ada, resource_id=resource, user_id=_user(bob), role="viewer")
    changed = service.change_role(
        ctx=ada, resource_id=resource, user_id=_user(bob), role="admin", expected_version=1
    )
    assert (changed.role, changed.version) == ("admin", 2)
    assert world.store.members[(scope, ORG, resource, _user(bob))] == changed
    assert world.events()[-1] == "MemberRoleChanged"
    assert world.actions()[-1] == f"{scope}_member.change_role"
    with pytest.raises(PreconditionFailed):
        service.change_role(
            ctx=ada, resource_id=resource, user_id=_user(bob), role="viewer", expected_version=1
        )
    with pytest.raises(ValidationFailed):
        service.change_role(ctx=ada, resource_id=resource, user_id=_user(bob), role="boss")
    with pytest.raises(NotFound):
        service.change_role(ctx=ada, resource_id=resource, user_id="nobody", role="viewer")


@pytest.mark.parametrize("scope", SCOPES)
def test_admins_remove_and_members_leave(world: World, scope: str) -> None:
    service, ada, resource, members = _setup(world, scope)
    bob, cyd = world.person("member"), world.person("viewer")
    for who in (bob, cyd):
        service.add(ctx=ada, resource_id=resource, user_id=_user(who), role="viewer")
    with pytest.raises(Forbidden):
        service.remove(ctx=bob, resource_id=resource, user_id=_user(cyd))
    service.remove(ctx=ada, resource_id=resource, user_id=_user(bob))
    service.remove(ctx=cyd, resource_id=resource, user_id=_user(cyd))  # a viewer may leave
    assert members() == 1
    assert [world.count("user", scope, ORG, _user(w)) for w in (bob, cyd)] == [0, 0]
    assert world.events()[-2:] == ["MemberRemoved", "MemberLeft"]
    assert world.actions()[-2:] == [f"{scope}_member.remove", f"{scope}_member.leave"]
    with pytest.raises(NotFound):
        service.remove(ctx=ada, resource_id=resource, user_id=_user(bob))


def test_an_api_key_cannot_leave_for_its_user(world: World) -> None:
    service, ada, resource, _ = _setup(world, "project")
    bob = world.person("member")
    service.add(ctx=ada, resource_id=resource, user_id=_user(bob), role="editor")
    key = world.api_key(bob, {"project:read"})
    with pytest.raises(Forbidden):
        service.remove(ctx=key, resource_id=resource, user_id=_user(bob))
    writer = world.api_key(bob, {"project:read", "project:write"})
    with pytest.raises(Forbidden):  # removing is for admins; the key is not leaving
        service.remove(ctx=writer, resource_id=resource, user_id=_user(bob))
    assert (("project", ORG, resource, _user(bob))) in world.store.members


@pytest.mark.parametrize("scope", SCOPES)
def test_pins_are_mine_and_for_members_only(world: World, scope: str) -> None:
    service, ada, resource, _ = _setup(world, scope)
    pinned = service.pin(ctx=ada, resource_id=resource, pinned=True)
    assert (pinned.pinned_at, pinned.version) == (world.clock.now(), 2)
    listed = world.dashboard.dashboard(ctx=ada)
    assert len(listed.pinned_workspaces if scope == "workspace" else listed.pinned_projects) == 1
    unpinned = service.pin(ctx=ada, resource_id=resource, pinned=False)
    assert (unpinned.pinned_at, unpinned.version) == (None, 3)
    with pytest.raises(Conflict):  # an organisation admin sees it, but is not a member
        service.pin(ctx=world.person("admin"), resource_id=resource, pinned=True)


@pytest.mark.parametrize("scope", SCOPES)
def test_list_members_and_mine(world: World, scope: str) -> None:
    service, ada, resource, _ = _setup(world, scope)
    bob, outsider = world.person("member"), world.person("member")
    service.add(ctx=ada, resource_id=resource, user_id=_user(bob), role="viewer")
    listed = service.list(ctx=bob, resource_id=resource, page=PageRequest())
    assert sorted(m.user_id for m in listed.items) == sorted([_user(ada), _user(bob)])
    assert [m.user_id for m in listed.items] == sorted(m.user_id for m in listed.items)
    with pytest.raises(Forbidden):
        service.list(ctx=outsider, resource_id=resource, page=PageRequest())
    mine = service.list_mine(ctx=bob, page=PageRequest())
    assert [(m.resource_id, m.role) for m in mine.items] == [(resource, "viewer")]


@pytest.mark.parametrize("scope", SCOPES)
def test_members_of_what_is_not_there_are_404(world: World, scope: str) -> None:
    service, ada, resource, _ = _setup(world, scope)
    stranger_org_admin = world.person("owner", org=OTHER_ORG)
    for ctx, resource_id in ((ada, "not-an-id"), (ada, new_id()), (stranger_org_admin, resource)):
        with pytest.raises(NotFound):
            service.list(ctx=ctx, resource_id=resource_id, page=PageRequest())
        with pytest.raises(NotFound):
            service.pin(ctx=ctx, resource_id=resource_id, pinned=True)
