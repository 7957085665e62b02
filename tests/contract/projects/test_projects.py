"""Contract: ProjectRepository (reads, a workspace's projects by update with status and tag
filters across pages, versioned saves and removal)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.projects.model import Project
from domains.shared.errors import Conflict, PreconditionFailed, ValidationFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

from .conftest import ProjectsBackend
from .factories import (
    at,
    every_page,
    new_project,
    new_workspace,
    project,
    read,
    stored_project,
    write,
)


def _listed(
    projects: ProjectsBackend, p: Project, limit: int, **filters: str | None
) -> list[list[Project]]:
    def fetch(page: PageRequest):  # type: ignore[no-untyped-def]
        return read(
            projects,
            lambda uow: uow.projects.list_workspace(p.org_id, p.workspace_id, page=page, **filters),
        )

    return every_page(fetch, limit)


def test_a_project_reads_back_with_every_field(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    p = new_project(
        projects,
        ws,
        description="weekly churn",
        tags=frozenset({"ml", "q3"}),
        status="paused",
        settings={"threshold": 3, "labels": ["a", "b"], "nested": {"on": True}},
        member_count=1,
    )
    assert stored_project(projects, p) == p
    assert read(projects, lambda uow: uow.projects.get(new_id(), p.id)) is None


def test_settings_come_back_as_the_json_they_were(projects: ProjectsBackend) -> None:
    """Settings are the client's JSON: 0.1 stays a float, 1.0 stays 1.0, and a string under a
    key ending in `_at` stays a string (the codec's conventions are for the item's own
    attributes, not for a document inside one)."""
    settings = {"rate": 0.1, "ratio": 1.0, "due_at": "2026-01-01T00:00:00Z", "on": [None, True]}
    ws = new_workspace(projects, new_id())
    p = new_project(projects, ws, settings=settings)
    stored = stored_project(projects, p).settings
    assert stored == settings
    assert [type(v) for v in stored.values()] == [float, float, str, list]


def test_an_archived_project_keeps_its_earlier_status(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    p = new_project(projects, ws, status="completed")
    write(projects, lambda uow: uow.projects.save(p.archived(at(minutes=1))))
    archived = stored_project(projects, p)
    assert (archived.status, archived.status_before_archive) == ("archived", "completed")
    write(projects, lambda uow: uow.projects.save(archived.restored(at(minutes=2))))
    restored = stored_project(projects, p)
    assert (restored.status, restored.status_before_archive, restored.version) == (
        "completed",
        None,
        3,
    )


def test_adding_an_existing_project_conflicts(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    p = new_project(projects, ws)
    with projects.uow() as uow:
        uow.projects.add(replace(p, name="Impostor", version=0))
        with pytest.raises(Conflict):
            uow.commit()
    assert stored_project(projects, p) == p


def test_get_many_keeps_the_order_asked_and_skips_the_missing(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    first, second = new_project(projects, ws), new_project(projects, ws)
    wanted = [second.id, new_id(), first.id]
    assert read(projects, lambda uow: uow.projects.get_many(ws.org_id, wanted)) == [second, first]


def test_list_workspace_pages_by_last_update_past_one_page(projects: ProjectsBackend) -> None:
    ws, other = new_workspace(projects, new_id()), new_workspace(projects, new_id())
    made = [new_project(projects, ws, updated_at=at(minutes=(7 * i) % 11)) for i in range(11)]
    new_project(projects, other)  # another workspace's (and organisation's)
    pages = _listed(projects, made[0], 4)
    assert [len(p) for p in pages] == [4, 4, 3]
    assert [p for page in pages for p in page] == sorted(
        made, key=lambda p: p.updated_at, reverse=True
    )


def test_projects_updated_at_one_time_list_by_id_newest_first(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    made = [new_project(projects, ws) for _ in range(5)]
    pages = _listed(projects, made[0], 2)
    assert [p.id for page in pages for p in page] == sorted((p.id for p in made), reverse=True)


def test_list_workspace_leaves_archived_out_unless_asked(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    statuses = ["active", "archived", "paused", "archived", "completed", "active"]
    made = [
        new_project(projects, ws, status=s, updated_at=at(minutes=i))
        for i, s in enumerate(statuses)
    ]
    live = [p for p in reversed(made) if p.status != "archived"]
    assert [p for page in _listed(projects, made[0], 2) for p in page] == live
    for status in ("active", "archived", "paused"):
        pages = _listed(projects, made[0], 1, status=status)
        assert [p for page in pages for p in page] == [
            p for p in reversed(made) if p.status == status
        ]


def test_the_tag_filter_pages_through_the_tagged_only(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    tagged = []
    for i in range(9):
        tags = frozenset({"ml", "q3"} if i % 3 == 0 else {"ops"})
        status = "archived" if i == 6 else "active"
        p = new_project(projects, ws, tags=tags, status=status, updated_at=at(minutes=i))
        tagged.append(p)
    ml = [p for p in reversed(tagged) if "ml" in p.tags]
    assert [p for page in _listed(projects, ml[0], 1, tag="ml") for p in page] == [
        p for p in ml if p.status != "archived"
    ]
    assert _listed(projects, ml[0], 5, tag="ml", status="archived") == [
        [p for p in ml if p.status == "archived"]
    ]
    assert _listed(projects, ml[0], 5, tag="nothing") == [[]]


def test_save_moves_a_project_between_workspaces_lists(projects: ProjectsBackend) -> None:
    org = new_id()
    source, target = new_workspace(projects, org), new_workspace(projects, org)
    p = new_project(projects, source, member_count=2)
    moved = replace(p, workspace_id=target.id, updated_at=at(minutes=1), member_count=0)
    write(projects, lambda uow: uow.projects.save(moved))
    assert stored_project(projects, p) == replace(moved, member_count=2, version=2)
    assert _listed(projects, p, 5) == [[]]
    assert _listed(projects, moved, 5) == [[replace(moved, member_count=2, version=2)]]


@pytest.mark.parametrize("version", [0, 2])
def test_save_over_a_stale_version_fails(projects: ProjectsBackend, version: int) -> None:
    ws = new_workspace(projects, new_id())
    p = new_project(projects, ws)
    with projects.uow() as uow:
        uow.projects.save(replace(p, name="Late", version=version))
        with pytest.raises(PreconditionFailed):
            uow.commit()
    assert stored_project(projects, p) == p


def test_save_of_a_missing_project_fails(projects: ProjectsBackend) -> None:
    with projects.uow() as uow:
        uow.projects.save(replace(project(new_id(), new_id()), version=1))
        with pytest.raises(PreconditionFailed):
            uow.commit()


def test_remove_deletes_at_the_version_read(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    p, kept = new_project(projects, ws), new_project(projects, ws)
    with projects.uow() as uow:
        uow.projects.remove(replace(p, version=2))
        with pytest.raises(PreconditionFailed):
            uow.commit()
    write(projects, lambda uow: uow.projects.remove(p))
    assert read(projects, lambda uow: uow.projects.get(p.org_id, p.id)) is None
    assert _listed(projects, kept, 5) == [[kept]]
    with projects.uow() as uow:
        uow.projects.remove(p)
        with pytest.raises(PreconditionFailed):
            uow.commit()


def test_a_cursor_serves_only_its_own_list(projects: ProjectsBackend) -> None:
    org = new_id()
    ws, other = new_workspace(projects, org), new_workspace(projects, org)
    made = [new_project(projects, ws, tags=frozenset({"ml"})) for _ in range(3)]
    new_project(projects, other)
    first = read(projects, lambda uow: uow.projects.list_workspace(org, ws.id, page=PageRequest(1)))
    assert first.next_cursor is not None and list(first.items) == [made[-1]]
    after = PageRequest(1, first.next_cursor)
    elsewhere: list[tuple[str, dict[str, str]]] = [
        (other.id, {}),
        (ws.id, {"tag": "ml"}),
        (ws.id, {"status": "active"}),
    ]
    for workspace_id, filters in elsewhere:
        with projects.uow() as uow, pytest.raises(ValidationFailed):
            uow.projects.list_workspace(org, workspace_id, page=after, **filters)
