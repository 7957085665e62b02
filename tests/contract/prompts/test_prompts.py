"""Contract: the prompts library repositories (prompts, versions, aliases; the organisation's
list with its filters and the sharded public list across pages; versioned writes; purge)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domains.agents.prompts.model import Prompt, PromptAlias, PromptVariable, PromptVersion
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

from .conftest import Backend

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ORG, OTHER = new_id(), new_id()


def prompt(org: str = ORG, n: int = 0, **extra: Any) -> Prompt:
    at = T0 + timedelta(seconds=n)
    fields: dict[str, Any] = {"tags": frozenset({"t"}), "created_by": "ada", **extra}
    return Prompt(org, new_id(), f"p{n}", created_at=at, updated_at=at, description="d", **fields)


def write(backend: Backend, change: Callable[[Any], None]) -> None:
    with backend() as uow:
        change(uow)
        uow.commit()


def read(backend: Backend, query: Callable[[Any], Any]) -> Any:
    with backend() as uow:
        return query(uow)


def every_page(fetch: Callable[[PageRequest], Any], limit: int) -> list[list[Any]]:
    pages, cursor = [], None
    while True:
        page = fetch(PageRequest(limit, cursor))
        pages.append(list(page.items))
        cursor = page.next_cursor
        if cursor is None:
            return pages


def test_prompt_version_and_alias_read_back(backend: Backend) -> None:
    p = prompt()
    variables = (PromptVariable("x", "number", False, 0.1, "a tenth"), PromptVariable("y"))
    v = PromptVersion(ORG, p.id, 1, "{{x}} {{y}}", variables, "ada", T0, "first")
    a = PromptAlias(ORG, p.id, "prod", 1, "ada", T0)
    write(backend, lambda uow: (uow.prompts.add(p), uow.versions.add(v), uow.aliases.put(a)))
    assert read(backend, lambda uow: uow.prompts.get(ORG, p.id)) == replace(p, version=1)
    assert read(backend, lambda uow: uow.versions.get(ORG, p.id, 1)) == v
    assert read(backend, lambda uow: uow.aliases.get(ORG, p.id, "prod")) == replace(a, version=1)
    assert read(backend, lambda uow: uow.prompts.get(OTHER, p.id)) is None


def test_versions_never_change_and_list_newest_first(backend: Backend) -> None:
    p = prompt()
    versions = [PromptVersion(ORG, p.id, n, f"v{n}", (), "ada", T0) for n in (1, 2, 3)]
    write(backend, lambda uow: [uow.versions.add(v) for v in versions])
    with pytest.raises(Conflict):
        write(backend, lambda uow: uow.versions.add(replace(versions[0], template="other")))
    pages = every_page(
        lambda page: read(backend, lambda uow: uow.versions.list(ORG, p.id, page=page)), 2
    )
    assert [[v.number for v in page] for page in pages] == [[3, 2], [1]]


def test_saves_are_versioned(backend: Backend) -> None:
    p = prompt()
    write(backend, lambda uow: uow.prompts.add(p))
    write(backend, lambda uow: uow.prompts.save(replace(p, version=1, name="new")))
    with pytest.raises(PreconditionFailed):
        write(backend, lambda uow: uow.prompts.save(replace(p, version=1, name="stale")))
    with pytest.raises(PreconditionFailed):
        write(backend, lambda uow: uow.prompts.remove(replace(p, version=1)))
    assert read(backend, lambda uow: uow.prompts.get(ORG, p.id)).name == "new"
    a = PromptAlias(ORG, p.id, "prod", 1, "ada", T0)
    write(backend, lambda uow: uow.aliases.put(a))
    with pytest.raises(Conflict):
        write(backend, lambda uow: uow.aliases.put(a))
    with pytest.raises(PreconditionFailed):
        write(backend, lambda uow: uow.aliases.put(replace(a, version=2)))


def test_org_list_filters_and_pages(backend: Backend) -> None:
    made = [
        prompt(n=0),
        prompt(n=1, visibility="private"),
        prompt(n=2, created_by="bob", visibility="private"),
        prompt(n=3, visibility="public", tags=frozenset({"u"})),
        prompt(OTHER, n=4),
    ]
    write(backend, lambda uow: [uow.prompts.add(p) for p in made])

    def names(limit: int, **filters: Any) -> list[list[str]]:
        def fetch(page: PageRequest) -> Any:
            return read(backend, lambda uow: uow.prompts.list_org(ORG, page=page, **filters))

        return [[p.name for p in page] for page in every_page(fetch, limit)]

    def flat(limit: int, **filters: Any) -> list[str]:
        return [name for page in names(limit, **filters) for name in page]

    assert names(2, viewer=None) == [["p3", "p2"], ["p1", "p0"]]
    assert flat(1, viewer="bob") == ["p3", "p2", "p0"]
    assert flat(5, viewer="ada", tag="t") == ["p1", "p0"]
    assert flat(5, viewer=None, visibility="private") == ["p2", "p1"]


def test_public_list_merges_every_shard_across_pages(backend: Backend) -> None:
    public = [prompt(ORG if n % 2 else OTHER, n=n, visibility="public") for n in range(13)]
    hidden = [prompt(n=20), prompt(n=21, visibility="private")]
    write(backend, lambda uow: [uow.prompts.add(p) for p in public + hidden])
    pages = every_page(lambda page: read(backend, lambda uow: uow.prompts.list_public(page)), 4)
    assert [len(page) for page in pages] == [4, 4, 4, 1]
    assert [p.id for page in pages for p in page] == [p.id for p in reversed(public)]
    # a prompt made private leaves the public list
    first = replace(public[-1], version=1, visibility="organization")
    write(backend, lambda uow: uow.prompts.save(first))
    listed = read(backend, lambda uow: uow.prompts.list_public(PageRequest(100)))
    assert first.id not in {p.id for p in listed.items} and len(listed.items) == 12


def test_remove_and_purge_leave_nothing(backend: Backend) -> None:
    p = prompt()
    versions = [PromptVersion(ORG, p.id, n, "x", (), "ada", T0) for n in range(1, 31)]
    alias = PromptAlias(ORG, p.id, "prod", 1, "ada", T0)
    write(backend, lambda uow: (uow.prompts.add(p), uow.aliases.put(alias)))
    write(backend, lambda uow: [uow.versions.add(v) for v in versions])
    write(backend, lambda uow: uow.prompts.remove(replace(p, version=1)))
    read(backend, lambda uow: uow.prompts.purge(ORG, p.id))
    assert read(backend, lambda uow: uow.prompts.get(ORG, p.id)) is None
    assert read(backend, lambda uow: uow.versions.list(ORG, p.id, page=PageRequest())).items == []
    assert read(backend, lambda uow: uow.aliases.list(ORG, p.id)) == []
