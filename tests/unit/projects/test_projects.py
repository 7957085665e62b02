"""ProjectService on in-memory fakes: create, read, list, update, archive and restore."""

from __future__ import annotations

from typing import Any

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


def test_create_counts_the_project_and_makes_the_creator_admin(world: World) -> None:
    ada = world.person("member")
    ws = world.workspace(ada)
    world.clock.advance(minutes=1)
    p = world.project(ada, ws, tags=["ML", "q3"], settings={"k": 1}, description=" d ")
    assert (p.tags, p.settings, p.description) == (frozenset({"ml", "q3"}), {"k": 1}, "d")
    assert (p.version, p.member_count, p.status, p.workspace_id) == (1, 1, "active", ws.id)
    assert world.stored_project(p) == p
    stored_ws = world.stored_ws(ws)
    assert (stored_ws.project_count, stored_ws.version) == (1, 1)
    assert stored_ws.last_activity_at == world.clock.now()
    admin = world.store.members[("project", ORG, p.id, ada.principal.user_id)]
    assert admin.role == "admin"
    assert world.count("org", ORG, "projects") == 1
    assert world.count("user", "project", ORG, ada.principal.user_id) == 1
    assert world.actions()[-1] == "project.create" and world.events()[-1] == "ProjectCreated"
    assert world.store.events[-1].data == {"workspace_id": ws.id, "name": "Churn"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"description": "d" * 2001}, "description"),
        ({"tags": ["has space"]}, "tags"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"settings": {"blob": "x" * 16_400}}, "settings"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    world: World, changes: dict[str, Any], field: str
) -> None:
    ada = world.person("member")
    ws = world.workspace(ada)
    fields: dict[str, Any] = {"name": "Churn"} | changes
    with pytest.raises(ValidationFailed) as raised:
        world.projects.create(ctx=ada, workspace_id=ws.id, **fields)
    assert raised.value.errors[0]["loc"] == [field]
    assert world.store.projects == {} and world.stored_ws(ws).project_count == 0


@pytest.mark.parametrize(
    ("org_role", "ws_role", "allowed"),
    [
        ("owner", None, True),
        ("admin", None, True),
        ("member", "admin", True),
        ("member", "editor", True),
        ("member", "viewer", False),
        ("member", None, False),
        ("viewer", "admin", False),  # no project:write in the organisation
    ],
)
def test_creating_needs_editor_on_the_workspace(
    world: World, org_role: str, ws_role: str | None, allowed: bool
) -> None:
    creator, caller = world.person("member"), world.person(org_role)
    ws = world.workspace(creator)
    if ws_role:
        world.join_ws(creator, ws, caller, ws_role)
    if allowed:
        assert world.project(caller, ws).created_by == caller.principal.user_id
    else:
        with pytest.raises(Forbidden):
            world.project(caller, ws)
        assert world.store.projects == {}


def test_an_api_key_without_project_write_creates_nothing(world: World) -> None:
    ada = world.person("owner")
    ws = world.workspace(ada)
    key = world.api_key(ada, {"project:read", "workspace:read", "workspace:write"})
    with pytest.raises(Forbidden):
        world.project(key, ws)
    p = world.project(ada, ws)
    for change in (
        lambda: world.projects.update(ctx=key, project_id=p.id, expected_version=None, name="K"),
        lambda: world.projects.archive(ctx=key, project_id=p.id),
        lambda: world.projects.delete(ctx=key, project_id=p.id),
    ):
        with pytest.raises(Forbidden):
            change()
    assert world.projects.get(ctx=key, project_id=p.id)[1] == "admin"  # reading is allowed
    writer = world.api_key(ada, {"project:read", "project:write"})
    assert world.projects.archive(ctx=writer, project_id=p.id).status == "archived"
    assert world.store.audit[-1].actor_id == f"apikey:{writer.principal.api_key_id}"


def test_an_archived_or_foreign_workspace_takes_no_project(world: World) -> None:
    ada = world.person("member")
    ws = world.workspace(ada)
    world.workspaces.archive(ctx=ada, workspace_id=ws.id)
    with pytest.raises(Conflict):
        world.project(ada, ws)
    theirs = world.workspace(world.person("owner", org=OTHER_ORG))
    with pytest.raises(NotFound):
        world.project(world.person("owner"), theirs)


@pytest.mark.parametrize("wanted", ["other-org", "malformed", "absent"])
def test_get_is_404_for_other_organisations_and_bad_ids(world: World, wanted: str) -> None:
    ada = world.person("member")
    p = world.project(ada, world.workspace(ada))
    ctx, project_id = {
        "other-org": (world.person("owner", org=OTHER_ORG), p.id),
        "malformed": (ada, "../" + p.id),
        "absent": (ada, new_id()),
    }[wanted]
    with pytest.raises(NotFound):
        world.projects.get(ctx=ctx, project_id=project_id)


def test_reading_records_activity_at_most_every_five_minutes(world: World) -> None:
    ada = world.person("member")
    p = world.project(ada, world.workspace(ada))
    key = ("project", ORG, p.id, ada.principal.user_id)
    start = world.clock.now()
    world.clock.advance(minutes=4, seconds=59)
    world.projects.get(ctx=ada, project_id=p.id)
    assert world.store.members[key].last_activity_at == start
    world.clock.advance(seconds=1)
    world.projects.get(ctx=ada, project_id=p.id)
    touched = world.store.members[key]
    assert (touched.last_activity_at, touched.version) == (world.clock.now(), 1)
    assert world.stored_project(p).version == 1 and world.events() == [
        "WorkspaceCreated",
        "ProjectCreated",
    ]


def test_update_changes_fields_touches_the_workspace_and_checks_the_version(
    world: World,
) -> None:
    ada, bob = world.person("member"), world.person("member")
    ws = world.workspace(ada)
    p = world.project(ada, ws)
    world.join_project(ada, p, bob, "editor")
    world.clock.advance(minutes=10)
    changed = world.projects.update(
        ctx=bob,
        project_id=p.id,
        expected_version=1,
        name="Churn v2",
        tags=["a"],
        status="paused",
        settings={"x": [1, 2]},
    )
    assert (changed.name, changed.tags, changed.status, changed.version) == (
        "Churn v2",
        frozenset({"a"}),
        "paused",
        2,
    )
    assert world.stored_project(p) == changed and changed.updated_at == world.clock.now()
    assert world.stored_ws(ws).last_activity_at == world.clock.now()
    assert world.stored_ws(ws).version == 1
    bobs = world.store.members[("project", ORG, p.id, bob.principal.user_id)]
    assert bobs.last_activity_at == world.clock.now()  # the change was activity too
    assert world.events()[-1] == "ProjectUpdated" and world.actions()[-1] == "project.update"
    with pytest.raises(PreconditionFailed):
        world.projects.update(ctx=bob, project_id=p.id, expected_version=1, name="Late")


@pytest.mark.parametrize("status", ["archived", "deleted", ""])
def test_update_takes_only_settable_statuses(world: World, status: str) -> None:
    ada = world.person("member")
    p = world.project(ada, world.workspace(ada))
    with pytest.raises(ValidationFailed) as raised:
        world.projects.update(ctx=ada, project_id=p.id, expected_version=None, status=status)
    assert raised.value.errors[0]["loc"] == ["status"]


def test_viewers_of_a_project_change_nothing(world: World) -> None:
    ada, vic = world.person("member"), world.person("member")
    p = world.project(ada, world.workspace(ada))
    world.join_project(ada, p, vic, "viewer")
    assert world.projects.get(ctx=vic, project_id=p.id)[1] == "viewer"
    with pytest.raises(Forbidden):
        world.projects.update(ctx=vic, project_id=p.id, expected_version=None, name="Vic's")
    with pytest.raises(Forbidden):
        world.projects.archive(ctx=vic, project_id=p.id)
    assert world.stored_project(p).version == 1


def test_archive_keeps_the_status_and_restore_brings_it_back(world: World) -> None:
    ada = world.person("member")
    p = world.project(ada, world.workspace(ada))
    world.projects.update(ctx=ada, project_id=p.id, expected_version=None, status="completed")
    archived = world.projects.archive(ctx=ada, project_id=p.id, expected_version=2)
    assert (archived.status, archived.status_before_archive) == ("archived", "completed")
    with pytest.raises(Conflict):
        world.projects.archive(ctx=ada, project_id=p.id)
    with pytest.raises(Conflict):
        world.projects.update(ctx=ada, project_id=p.id, expected_version=None, status="active")
    renamed = world.projects.update(ctx=ada, project_id=p.id, expected_version=None, name="Old")
    assert renamed.status == "archived"
    restored = world.projects.restore(ctx=ada, project_id=p.id)
    assert (restored.status, restored.status_before_archive, restored.version) == (
        "completed",
        None,
        5,
    )
    with pytest.raises(Conflict):
        world.projects.restore(ctx=ada, project_id=p.id)
    assert world.events()[-4:] == [
        "ProjectUpdated",
        "ProjectArchived",
        "ProjectUpdated",
        "ProjectRestored",
    ]


def test_list_workspace_filters_by_status_and_tag_newest_first(world: World) -> None:
    ada = world.person("member")
    ws = world.workspace(ada)
    made = {}
    for name, tags in (("a", ["ml"]), ("b", []), ("c", ["ml"]), ("d", ["ml"])):
        made[name] = world.project(ada, ws, name, tags=tags)
        world.clock.advance(minutes=1)
    world.projects.archive(ctx=ada, project_id=made["c"].id)
    world.projects.update(ctx=ada, project_id=made["a"].id, expected_version=None, status="paused")

    def names(**filters: Any) -> list[str]:
        page = world.projects.list_workspace(
            ctx=ada, workspace_id=ws.id, page=PageRequest(), **filters
        )
        return [p.name for p in page.items]

    assert names() == ["a", "d", "b"]
    assert names(status="archived") == ["c"]
    assert names(tag="ML") == ["a", "d"]
    assert names(status="paused", tag="ml") == ["a"]
    for bad in ({"status": "gone"}, {"tag": "not a tag"}):
        with pytest.raises(ValidationFailed):
            names(**bad)


def test_list_workspace_pages_and_needs_a_workspace_role(world: World) -> None:
    ada, outsider, org_admin = world.person("member"), world.person("member"), world.person("admin")
    ws = world.workspace(ada)
    for i in range(30):
        world.project(ada, ws, f"p{i:02}")
        world.clock.advance(seconds=1)
    first = world.projects.list_workspace(ctx=org_admin, workspace_id=ws.id, page=PageRequest())
    second = world.projects.list_workspace(
        ctx=org_admin, workspace_id=ws.id, page=PageRequest(cursor=first.next_cursor)
    )
    assert [len(first.items), len(second.items), second.next_cursor] == [25, 5, None]
    assert [p.name for p in [*first.items, *second.items]] == [
        f"p{i:02}" for i in range(29, -1, -1)
    ]
    with pytest.raises(Forbidden):
        world.projects.list_workspace(ctx=outsider, workspace_id=ws.id, page=PageRequest())


def test_list_mine_across_workspaces_by_my_activity(world: World) -> None:
    ada, bob = world.person("member"), world.person("member")
    one, two = world.workspace(ada, "One"), world.workspace(bob, "Two")
    first = world.project(ada, one, "first")
    theirs = world.project(bob, two, "theirs")
    world.project(bob, two, "not mine")
    world.join_project(bob, theirs, ada, "viewer")
    world.clock.advance(minutes=5)
    world.projects.get(ctx=ada, project_id=first.id)
    mine = world.projects.list_mine(ctx=ada, page=PageRequest())
    assert [(p.name, m.role) for p, m in mine.items] == [("first", "admin"), ("theirs", "viewer")]
