"""Agent use cases on fakes: roles on the project, versions, events and audit."""

from __future__ import annotations

import pytest

from domains.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from domains.shared.pagination import PageRequest
from tests.unit.agents.world import OTHER_ORG, PROJECT, World


def test_an_editor_creates_a_draft_with_an_empty_flow(world: World) -> None:
    editor = world.person("editor")
    agent = world.agents.create(ctx=editor, project_id=PROJECT, name=" Triage ", tags=["A"])
    assert (agent.name, agent.status, agent.tags, agent.version) == ("Triage", "draft", {"a"}, 1)
    flow = world.flows.get(ctx=editor, agent_id=agent.id)
    assert flow.nodes == [] and flow.version == 1 and flow.agent_id == agent.id
    assert [e.name for e in world.store.events] == ["AgentCreated"]
    assert [e.action for e in world.store.audit] == ["agent.create"]


def test_roles_decide_reads_writes_and_deletes(world: World) -> None:
    editor, viewer, admin = world.person("editor"), world.person("viewer"), world.person("admin")
    with pytest.raises(Forbidden):
        world.agents.create(ctx=viewer, project_id=PROJECT, name="x")
    agent = world.agents.create(ctx=editor, project_id=PROJECT, name="x")
    assert world.agents.get(ctx=viewer, agent_id=agent.id)[1] == "viewer"
    with pytest.raises(Forbidden):
        world.agents.update(ctx=viewer, agent_id=agent.id, expected_version=None, name="y")
    with pytest.raises(Forbidden):
        world.agents.delete(ctx=editor, agent_id=agent.id)
    world.agents.delete(ctx=admin, agent_id=agent.id)
    assert world.store.agents == {} and world.store.flows == {}


def test_no_role_or_another_organisation_is_not_found(world: World) -> None:
    agent = world.agents.create(ctx=world.person("editor"), project_id=PROJECT, name="x")
    for stranger in (world.person(None), world.person(None, "admin", org=OTHER_ORG)):
        with pytest.raises(NotFound):
            world.agents.get(ctx=stranger, agent_id=agent.id)
        with pytest.raises(NotFound):
            world.agents.create(ctx=stranger, project_id=PROJECT, name="x")


def test_an_org_viewer_lacks_agent_write_whatever_the_project_role(world: World) -> None:
    viewer = world.person("editor", org_role="viewer")
    with pytest.raises(Forbidden):
        world.agents.create(ctx=viewer, project_id=PROJECT, name="x")


def test_update_archive_and_stale_versions(world: World) -> None:
    editor = world.person("editor")
    agent = world.agents.create(ctx=editor, project_id=PROJECT, name="x")
    world.clock.advance(seconds=1)
    changed = world.agents.update(
        ctx=editor, agent_id=agent.id, expected_version=1, status="active", description="d"
    )
    assert (changed.status, changed.description, changed.version) == ("active", "d", 2)
    with pytest.raises(PreconditionFailed):
        world.agents.update(ctx=editor, agent_id=agent.id, expected_version=1, name="z")
    with pytest.raises(ValidationFailed):
        world.agents.update(ctx=editor, agent_id=agent.id, expected_version=2, status="archived")
    archived = world.agents.archive(ctx=editor, agent_id=agent.id)
    assert archived.status == "archived"
    with pytest.raises(Conflict):
        world.agents.archive(ctx=editor, agent_id=agent.id)


def test_lists_by_project_status_and_mine_show_only_visible_projects(world: World) -> None:
    editor, stranger = world.person("editor"), world.person(None)
    first = world.agents.create(ctx=editor, project_id=PROJECT, name="first")
    world.clock.advance(seconds=1)
    second = world.agents.create(ctx=editor, project_id=PROJECT, name="second")
    page = PageRequest(1)
    listed = world.agents.list_project(ctx=editor, project_id=PROJECT, page=page)
    assert [a.id for a in listed.items] == [second.id] and listed.next_cursor
    rest = world.agents.list_project(
        ctx=editor, project_id=PROJECT, page=PageRequest(5, listed.next_cursor)
    )
    assert [a.id for a in rest.items] == [first.id]
    drafts = world.agents.list_status(ctx=editor, status="draft", page=PageRequest(5)).items
    assert {a.id for a in drafts} == {first.id, second.id}
    assert world.agents.list_status(ctx=stranger, status="draft", page=PageRequest(5)).items == []
    assert len(world.agents.list_mine(ctx=editor, page=PageRequest(5)).items) == 2
    with pytest.raises(ValidationFailed):
        world.agents.list_status(ctx=editor, status="gone", page=PageRequest(5))
