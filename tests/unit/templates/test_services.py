"""The template services on fakes: publishing, editing, deleting, using, rating, and the
stats consumer counting each use once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.agents.templates.services import FromVersion
from domains.agents.versions import AgentVersion
from domains.shared.errors import Forbidden, NotFound, PreconditionFailed, ValidationFailed
from tests.unit.templates.conftest import OTHER_ORG, PROJECT, content


def test_publish_writes_the_listing_and_version_one(world) -> None:  # type: ignore[no-untyped-def]
    author = world.person()
    t = world.publish(author, tags=["RAG"])
    assert t.version == 1 and t.latest_version == 1 and t.tags == frozenset({"rag"})
    got, latest = world.selector.get(ctx=author, template_id=t.id)
    assert (
        got.name == "Starter" and latest.number == 1 and latest.configs == {"llm": {"model": "m"}}
    )
    assert [e.name for e in world.store.events] == ["TemplateCreated"]
    assert world.store.events[0].data["template_id"] == t.id
    assert [a.action for a in world.store.audit] == ["template.create"]


def test_publishing_publicly_needs_template_publish(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        world.publish(world.person("member"), visibility="public")
    with pytest.raises(Forbidden):
        world.publish(world.person("viewer"))
    assert world.publish(world.person("admin"), visibility="public").visibility == "public"


def test_a_flow_that_breaks_the_rules_is_422(world) -> None:  # type: ignore[no-untyped-def]
    whole = content()
    broken = replace(whole, nodes=whole.nodes[:2], edges=whole.edges[:1])  # no output node
    with pytest.raises(ValidationFailed):
        world.publish(world.person(), source=broken)
    with pytest.raises(ValidationFailed):
        world.publish(world.person(), source=content({"ghost": {}}))
    with pytest.raises(ValidationFailed):
        world.publish(world.person(), category="nope")


def test_editing_keeps_counters_and_new_content_is_the_next_version(world) -> None:  # type: ignore[no-untyped-def]
    author = world.person()
    t = world.publish(author)
    world.templates.rate(ctx=world.person(), template_id=t.id, stars=4)
    changed, added = world.templates.update(
        ctx=author, template_id=t.id, expected_version=1, name="Renamed", source=content()
    )
    assert changed.version == 2 and changed.latest_version == 2 and added.number == 2
    got, latest = world.selector.get(ctx=author, template_id=t.id)
    assert got.rating_sum == 4 and got.rating_count == 1 and latest.number == 2
    with pytest.raises(PreconditionFailed):
        world.templates.update(ctx=author, template_id=t.id, expected_version=1, name="X")
    with pytest.raises(Forbidden):
        world.templates.update(
            ctx=world.person(), template_id=t.id, expected_version=None, name="Y"
        )
    admin = world.person("admin")
    world.templates.update(ctx=admin, template_id=t.id, expected_version=None, name="By admin")


def test_delete_purges_content_and_ratings(world) -> None:  # type: ignore[no-untyped-def]
    author = world.person()
    t = world.publish(author)
    world.templates.rate(ctx=author, template_id=t.id, stars=5)
    world.templates.delete(ctx=author, template_id=t.id, expected_version=1)
    assert not world.store.templates and not world.store.contents and not world.store.ratings
    with pytest.raises(NotFound):
        world.selector.get(ctx=author, template_id=t.id)


def test_use_makes_an_agent_and_the_consumer_counts_it_once(world) -> None:  # type: ignore[no-untyped-def]
    t = world.publish(world.person())
    editor = world.person(project_role="editor")
    agent, _ = world.templates.use(ctx=editor, template_id=t.id, project_id=PROJECT)
    assert agent.name == "Starter" and agent.project_id == PROJECT
    flow = world.store.flows[(agent.org_id, agent.flow_id)]
    assert [n["id"] for n in flow.nodes] == ["in", "llm", "out"]
    config = world.store.node_configs[(agent.org_id, agent.flow_id, "llm")]
    assert config.type == "llm_call" and config.config == {"model": "m"}
    assert world.usage.recorded == [(editor.org_id, "template.used", 1)]
    used = [e for e in world.store.events if e.name == "TemplateUsed"]
    assert used[0].data["template_id"] == t.id and used[0].actor_id == editor.principal.user_id
    assert world.deliver() == 1
    assert world.deliver() == 0  # redelivered: nothing more
    got, _ = world.selector.get(ctx=editor, template_id=t.id)
    assert got.usage_count == 1 and got.popularity == 10


def test_use_needs_editor_on_the_project(world) -> None:  # type: ignore[no-untyped-def]
    t = world.publish(world.person())
    with pytest.raises(Forbidden):
        world.templates.use(
            ctx=world.person(project_role="viewer"), template_id=t.id, project_id=PROJECT
        )
    with pytest.raises(NotFound):
        world.templates.use(ctx=world.person(), template_id=t.id, project_id=PROJECT)


def test_other_organisations_read_and_use_public_templates_only(world) -> None:  # type: ignore[no-untyped-def]
    public = world.publish(world.person("admin"), visibility="public")
    internal = world.publish(world.person())
    stranger = world.person(org=OTHER_ORG, project_role="editor")
    got, _ = world.selector.get(ctx=stranger, template_id=public.id)
    assert got.id == public.id
    with pytest.raises(NotFound):
        world.selector.get(ctx=stranger, template_id=internal.id)
    agent, _ = world.templates.use(ctx=stranger, template_id=public.id, project_id=PROJECT)
    assert agent.org_id == OTHER_ORG
    with pytest.raises(Forbidden):
        world.templates.update(
            ctx=world.person("admin", org=OTHER_ORG),
            template_id=public.id,
            expected_version=None,
            name="Mine",
        )


def test_ratings_are_one_per_user_and_exact(world) -> None:  # type: ignore[no-untyped-def]
    t = world.publish(world.person())
    a, b = world.person(), world.person()
    world.templates.rate(ctx=a, template_id=t.id, stars=5)
    world.templates.rate(ctx=b, template_id=t.id, stars=2)
    after, stars = world.templates.rate(ctx=a, template_id=t.id, stars=3)
    assert stars == 3 and after.rating_count == 2 and after.rating_sum == 5
    world.templates.unrate(ctx=b, template_id=t.id)
    with pytest.raises(NotFound):
        world.templates.unrate(ctx=b, template_id=t.id)
    world.deliver()
    got, _ = world.selector.get(ctx=a, template_id=t.id)
    assert (got.rating_sum, got.rating_count, got.popularity) == (3, 1, 12)


def test_a_template_from_an_agents_version(world) -> None:  # type: ignore[no-untyped-def]
    editor = world.person(project_role="editor")
    agent, _ = world.templates.use(
        ctx=editor, template_id=world.publish(world.person()).id, project_id=PROJECT
    )
    c = content()
    world.store.versions[(agent.org_id, agent.id, 1)] = AgentVersion(
        agent.org_id,
        agent.id,
        1,
        [dict(n) for n in c.nodes],
        [dict(e) for e in c.edges],
        dict(c.canvas),
        {"llm": {"type": "llm_call", "config": {"model": "pinned"}}},
        editor.principal.user_id,
        world.clock.now(),
    )
    _, latest = world.templates.create(
        ctx=editor, name="From v1", category="other", source=FromVersion(agent.id, 1)
    )
    assert latest.configs == {"llm": {"model": "pinned"}}
    with pytest.raises(ValidationFailed):
        world.templates.create(
            ctx=editor, name="From v9", category="other", source=FromVersion(agent.id, 9)
        )
    with pytest.raises(NotFound):
        world.templates.create(
            ctx=world.person(org=OTHER_ORG),
            name="Not mine",
            category="other",
            source=FromVersion(agent.id, 1),
        )


def test_the_list_sorts_and_pages(world) -> None:  # type: ignore[no-untyped-def]
    from domains.shared.pagination import PageRequest

    admin = world.person("admin")
    made = [world.publish(admin, name=f"T{i}", visibility="public") for i in range(4)]
    for t, uses in zip(made, (2, 0, 3, 1), strict=True):
        for _ in range(uses):
            world.templates.use(
                ctx=world.person(project_role="editor"), template_id=t.id, project_id=PROJECT
            )
    world.deliver()
    viewer = world.person(org=OTHER_ORG)
    first = world.selector.list(ctx=viewer, page=PageRequest(2))
    second = world.selector.list(ctx=viewer, page=PageRequest(2, first.next_cursor))
    ids = [t.id for t in [*first.items, *second.items]]
    assert ids == [made[i].id for i in (2, 0, 3, 1)] and second.next_cursor is None


def test_a_rating_that_collides_with_another_is_tried_again(world) -> None:  # type: ignore[no-untyped-def]
    from domains.agents.templates.services import TemplateService
    from domains.shared.errors import TransactionCancelled
    from tests.fakes.templates import InMemoryTemplatesUnitOfWork

    t = world.publish(world.person())
    collisions = [2]

    class Colliding(InMemoryTemplatesUnitOfWork):
        def commit(self) -> None:
            if collisions[0]:
                collisions[0] -= 1
                raise TransactionCancelled("conflict", reasons=["None", "TransactionConflict"])
            super().commit()

    service = TemplateService(
        uow=lambda: Colliding(world.store),
        clock=world.clock,
        projects=world.projects,
        usage=world.usage,
    )
    after, _ = service.rate(ctx=world.person(), template_id=t.id, stars=4)
    assert after.rating_count == 1 and after.rating_sum == 4 and collisions == [0]
    collisions[0] = 9  # more than it tries: the collision is the answer
    with pytest.raises(TransactionCancelled):
        service.rate(ctx=world.person(), template_id=t.id, stars=2)
