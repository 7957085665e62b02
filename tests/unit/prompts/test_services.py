"""Prompt services on fakes: versions, aliases, visibility, events and audit, usage."""

from __future__ import annotations

import pytest

from domains.agents.prompts.model import PromptVariable
from domains.shared.errors import Conflict, Forbidden, NotFound, PreconditionFailed
from domains.shared.pagination import PageRequest
from tests.unit.prompts.conftest import OTHER_ORG, VARIABLES, World


def create(world: World, ctx, **extra):  # type: ignore[no-untyped-def]
    fields = {"name": "Greet", "template": "Hi {{name}} x{{n}}", "variables": VARIABLES}
    return world.prompts.create(ctx=ctx, **{**fields, **extra})


def test_create_writes_version_1_with_its_audit_and_event(world: World) -> None:
    owner = world.person("owner")
    prompt, first = create(world, owner, tags=["A"])
    assert (prompt.version, prompt.latest_version, first.number) == (1, 1, 1)
    assert prompt.tags == frozenset({"a"})
    assert [e.name for e in world.store.events] == ["PromptCreated"]
    assert [a.action for a in world.store.audit] == ["prompt.create"]


def test_add_version_moves_latest_and_keeps_older_versions(world: World) -> None:
    owner = world.person("owner")
    prompt, first = create(world, owner)
    changed, second = world.prompts.add_version(
        ctx=owner, prompt_id=prompt.id, template="Bye", expected_version=1
    )
    assert (changed.latest_version, changed.version, second.number) == (2, 2, 2)
    assert world.selector.version(ctx=owner, prompt_id=prompt.id, number=1) == first
    with pytest.raises(PreconditionFailed):
        world.prompts.add_version(ctx=owner, prompt_id=prompt.id, template="x", expected_version=1)
    page = world.selector.versions(ctx=owner, prompt_id=prompt.id, page=PageRequest(1))
    assert [v.number for v in page.items] == [2] and page.next_cursor is not None
    assert world.store.events[-1].data == {"number": 2}


def test_a_taken_version_number_is_a_conflict(world: World) -> None:
    owner = world.person("owner")
    prompt, _ = create(world, owner)
    stored = world.store.prompts[(prompt.org_id, prompt.id)]
    world.store.prompts[(prompt.org_id, prompt.id)] = stored.__class__(
        **{**stored.__dict__, "latest_version": 0}
    )
    with pytest.raises(Conflict):
        world.prompts.add_version(ctx=owner, prompt_id=prompt.id, template="x")


def test_aliases_pin_versions_for_render(world: World) -> None:
    owner = world.person("owner")
    prompt, _ = create(world, owner)
    world.prompts.add_version(
        ctx=owner, prompt_id=prompt.id, template="v2 {{name}}", variables=[PromptVariable("name")]
    )
    alias = world.prompts.set_alias(ctx=owner, prompt_id=prompt.id, alias="prod", number=1)
    assert alias.version == 1
    text, used = world.prompts.render(
        ctx=owner, prompt_id=prompt.id, variables={"name": "A"}, alias="prod"
    )
    assert (text, used.number) == ("Hi A x2", 1)
    text, used = world.prompts.render(ctx=owner, prompt_id=prompt.id, variables={"name": "A"})
    assert (text, used.number) == ("v2 A", 2)
    world.prompts.set_alias(
        ctx=owner, prompt_id=prompt.id, alias="prod", number=2, expected_version=1
    )
    aliases = world.selector.aliases(ctx=owner, prompt_id=prompt.id)
    assert [(a.alias, a.number) for a in aliases] == [("latest", 2), ("prod", 2)]
    assert world.usage.recorded == [(owner.org_id, "prompt.rendered", 1)] * 2


def test_private_prompts_hide_from_others_but_admins(world: World) -> None:
    author, other, admin = world.person("member"), world.person("member"), world.person("admin")
    prompt, _ = create(world, author, visibility="private")
    with pytest.raises(NotFound):
        world.selector.get(ctx=other, prompt_id=prompt.id)
    with pytest.raises(NotFound):
        world.prompts.render(ctx=other, prompt_id=prompt.id, variables={"name": "x"})
    assert world.selector.get(ctx=admin, prompt_id=prompt.id)[0].id == prompt.id
    listed = world.selector.list_org(ctx=other, page=PageRequest())
    assert listed.items == []
    assert len(world.selector.list_org(ctx=admin, page=PageRequest()).items) == 1


def test_only_the_author_or_an_admin_deletes_and_delete_purges(world: World) -> None:
    author, other = world.person("member"), world.person("member")
    prompt, _ = create(world, author)
    world.prompts.set_alias(ctx=author, prompt_id=prompt.id, alias="prod", number=1)
    with pytest.raises(Forbidden):
        world.prompts.delete(ctx=other, prompt_id=prompt.id)
    with pytest.raises(Forbidden):
        world.prompts.create(ctx=world.person("viewer"), name="x", template="x")
    world.prompts.delete(ctx=author, prompt_id=prompt.id, expected_version=prompt.version)
    assert world.store.prompts == {} and world.store.versions == {} and world.store.aliases == {}
    assert world.store.events[-1].name == "PromptDeleted"


def test_public_list_spans_organisations(world: World) -> None:
    ours, theirs = world.person("owner"), world.person("owner", org=OTHER_ORG)
    mine, _ = create(world, ours, visibility="public")
    create(world, ours)
    world.clock.advance(seconds=1)
    other, _ = create(world, theirs, visibility="public")
    listed = world.selector.list_public(ctx=ours, page=PageRequest())
    assert [p.id for p in listed.items] == [other.id, mine.id]
    with pytest.raises(NotFound):
        world.selector.get(ctx=ours, prompt_id=other.id)
