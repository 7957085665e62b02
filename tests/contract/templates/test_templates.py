"""Contract: the marketplace repositories (listings with their counters left alone by edits,
the merged and sharded lists across pages, public lookup by id, content versions, ratings
moving the sums, uses counted once per id, popularity refreshed, purge)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domains.agents.templates.model import Template, TemplateContent, TemplateQuery, TemplateRating
from domains.shared.errors import Conflict, NotFound, PreconditionFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

from .conftest import Backend

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ORG, OTHER = new_id(), new_id()


def template(org: str = ORG, n: int = 0, **extra: Any) -> Template:
    at = T0 + timedelta(seconds=n)
    fields: dict[str, Any] = {"created_by": "ada", "category": "assistant", **extra}
    return Template(org, new_id(), f"t{n}", created_at=at, updated_at=at, **fields)


def content(t: Template, number: int = 1) -> TemplateContent:
    nodes = [{"id": "a", "type": "input", "position": {"x": 0.5}}]
    return TemplateContent(
        t.org_id, t.id, number, "ada", T0, nodes, [], {"z": 1}, {"a": {"k": 0.1}}
    )


def write(backend: Backend, change: Callable[[Any], None]) -> None:
    with backend() as uow:
        change(uow)
        uow.commit()


def read(backend: Backend, query: Callable[[Any], Any]) -> Any:
    with backend() as uow:
        return query(uow)


def add(backend: Backend, *templates: Template) -> None:
    for t in templates:
        with backend() as uow:
            uow.templates.add(t)
            uow.contents.add(content(t))
            uow.commit()


def everything(backend: Backend, query: TemplateQuery, limit: int = 2) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        with backend() as uow:
            page = uow.templates.list(query, PageRequest(limit, cursor))
        ids += [t.id for t in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return ids


def test_add_get_and_content(backend: Backend) -> None:
    t = template(tags=frozenset({"x"}))
    add(backend, t)
    got = read(backend, lambda uow: uow.templates.get(ORG, t.id))
    assert got == replace(t, version=1)
    assert read(backend, lambda uow: uow.templates.get(OTHER, t.id)) is None
    assert read(backend, lambda uow: uow.templates.get_public(t.id)) is None
    latest = read(backend, lambda uow: uow.contents.latest(ORG, t.id))
    assert latest == content(t)
    with pytest.raises(Conflict):
        write(backend, lambda uow: uow.contents.add(content(t)))
    write(backend, lambda uow: uow.contents.add(content(t, 2)))
    assert read(backend, lambda uow: uow.contents.latest(ORG, t.id)).number == 2
    assert read(backend, lambda uow: uow.contents.get(ORG, t.id, 1)) == content(t)


def test_save_is_versioned_and_leaves_the_counters(backend: Backend) -> None:
    t = template()
    add(backend, t)
    rating = TemplateRating(ORG, t.id, "bob", 4, T0)
    write(backend, lambda uow: uow.ratings.put(rating, previous=None))
    stored = read(backend, lambda uow: uow.templates.get(ORG, t.id))
    # an edit made from a read before the rating: the rating's sums stay
    write(
        backend,
        lambda uow: uow.templates.save(replace(t, version=1, name="new", visibility="public")),
    )
    got = read(backend, lambda uow: uow.templates.get(ORG, t.id))
    assert got.name == "new" and got.version == 2 and (got.rating_sum, got.rating_count) == (4, 1)
    assert stored.version == 1  # a rating is not an edit
    assert read(backend, lambda uow: uow.templates.get_public(t.id)).id == t.id
    public = read(backend, lambda uow: uow.templates.get(ORG, t.id))
    write(backend, lambda uow: uow.templates.save(replace(public, visibility="organization")))
    assert read(backend, lambda uow: uow.templates.get_public(t.id)) is None
    assert everything(backend, TemplateQuery(OTHER, "x", visibility="public")) == []
    with pytest.raises(PreconditionFailed):
        write(backend, lambda uow: uow.templates.save(replace(t, version=2)))
    with pytest.raises(PreconditionFailed):
        write(backend, lambda uow: uow.templates.remove(replace(t, version=1)))


def test_ratings_move_the_sums(backend: Backend) -> None:
    t = template()
    add(backend, t)
    bob = TemplateRating(ORG, t.id, "bob", 5, T0)
    write(backend, lambda uow: uow.ratings.put(bob, previous=None))
    with pytest.raises(Conflict):  # rated meanwhile: the second insert loses
        write(backend, lambda uow: uow.ratings.put(bob, previous=None))
    first = read(backend, lambda uow: uow.ratings.get(ORG, t.id, "bob"))
    assert first.stars == 5 and first.version == 1
    write(backend, lambda uow: uow.ratings.put(replace(bob, stars=2), previous=first))
    with pytest.raises(Conflict):  # over a stale read
        write(backend, lambda uow: uow.ratings.put(replace(bob, stars=1), previous=first))
    cat = TemplateRating(ORG, t.id, "cat", 3, T0)
    write(backend, lambda uow: uow.ratings.put(cat, previous=None))
    got = read(backend, lambda uow: uow.templates.get(ORG, t.id))
    assert (got.rating_sum, got.rating_count) == (5, 2)
    mine = read(backend, lambda uow: uow.ratings.get(ORG, t.id, "cat"))
    write(backend, lambda uow: uow.ratings.remove(mine))
    got = read(backend, lambda uow: uow.templates.get(ORG, t.id))
    assert (got.rating_sum, got.rating_count) == (2, 1)
    ghost = TemplateRating(ORG, new_id(), "bob", 5, T0)
    with pytest.raises(NotFound):
        write(backend, lambda uow: uow.ratings.put(ghost, previous=None))


def test_uses_count_once_and_popularity_follows(backend: Backend) -> None:
    t = template(visibility="public")
    add(backend, t)
    use = new_id()
    assert read(backend, lambda uow: uow.templates.record_use(ORG, t.id, use, T0))
    assert not read(backend, lambda uow: uow.templates.record_use(ORG, t.id, use, T0))
    assert read(backend, lambda uow: uow.templates.record_use(ORG, t.id, new_id(), T0))
    assert not read(backend, lambda uow: uow.templates.record_use(ORG, new_id(), use, T0))
    fresh = read(backend, lambda uow: uow.templates.refresh_popularity(ORG, t.id))
    assert fresh.usage_count == 2 and fresh.popularity == 20
    got = read(backend, lambda uow: uow.templates.get(ORG, t.id))
    assert got.popularity == 20 and got.version == 1
    assert read(backend, lambda uow: uow.templates.refresh_popularity(ORG, new_id())) is None


def test_lists_merge_organisation_and_public_across_pages(backend: Backend) -> None:
    ours = [template(n=i, visibility="organization") for i in range(3)]
    public = [template(OTHER, n=10 + i, visibility="public") for i in range(5)]
    secret = template(n=20, visibility="private", created_by="eve")
    add(backend, *ours, *public, secret)
    for i, t in enumerate(public):  # popularity 0, 10, 20, 30, 40
        with backend() as uow:
            for _ in range(i):
                uow.templates.record_use(OTHER, t.id, new_id(), T0)
            uow.templates.refresh_popularity(OTHER, t.id)
    everyone = [t.id for t in ours + public]
    newest = everything(backend, TemplateQuery(ORG, "ada", sort="recency"))
    assert newest == list(reversed(everyone))
    popular = everything(backend, TemplateQuery(ORG, "ada", sort="popularity"))
    assert popular[:4] == [public[i].id for i in (4, 3, 2, 1)]
    assert sorted(popular) == sorted(everyone)
    assert everything(backend, TemplateQuery(ORG, "eve", visibility="private")) == [secret.id]
    only_public = everything(backend, TemplateQuery(ORG, "ada", visibility="public", sort="rating"))
    assert sorted(only_public) == sorted(t.id for t in public)
    by_category = TemplateQuery(
        ORG, "ada", sort="recency", category="assistant", visibility="public"
    )
    assert everything(backend, by_category) == [t.id for t in reversed(public)]
    assert everything(backend, TemplateQuery(OTHER, "x", visibility="organization")) == []
    authored = read(backend, lambda uow: uow.templates.list_author("eve", PageRequest(10)))
    assert [t.id for t in authored.items] == [secret.id]
    org_all = read(backend, lambda uow: uow.templates.list_org(ORG, PageRequest(10)))
    assert [t.id for t in org_all.items] == [secret.id, *[t.id for t in reversed(ours)]]


def test_purge_removes_content_ratings_and_uses(backend: Backend) -> None:
    t = template()
    add(backend, t)
    write(backend, lambda uow: uow.contents.add(content(t, 2)))
    write(
        backend, lambda uow: uow.ratings.put(TemplateRating(ORG, t.id, "bob", 5, T0), previous=None)
    )
    read(backend, lambda uow: uow.templates.record_use(ORG, t.id, new_id(), T0))
    stored = read(backend, lambda uow: uow.templates.get(ORG, t.id))
    write(backend, lambda uow: uow.templates.remove(stored))
    read(backend, lambda uow: uow.templates.purge(ORG, t.id))
    assert read(backend, lambda uow: uow.contents.latest(ORG, t.id)) is None
    assert read(backend, lambda uow: uow.ratings.get(ORG, t.id, "bob")) is None
    assert read(backend, lambda uow: uow.templates.get(ORG, t.id)) is None
