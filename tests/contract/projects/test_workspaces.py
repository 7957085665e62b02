"""Contract: WorkspaceRepository (reads, activity order, counters, touch, conditional remove)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.projects.model import Workspace
from domains.shared.errors import Conflict, DomainError, PreconditionFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

from .conftest import ProjectsBackend
from .factories import (
    at,
    every_page,
    new_project,
    new_workspace,
    read,
    stored_workspace,
    workspace,
    write,
)


def _counts(projects: ProjectsBackend, org_id: str) -> tuple[int, int]:
    counts = projects.dashboard.load(org_id, new_id(), limit=10).counts
    return counts.workspaces, counts.projects


def test_an_added_workspace_reads_back_at_version_1(projects: ProjectsBackend) -> None:
    org = new_id()
    ws = new_workspace(projects, org, description="notes", member_count=1)
    assert stored_workspace(projects, ws) == ws
    assert read(projects, lambda uow: uow.workspaces.get(new_id(), ws.id)) is None
    assert _counts(projects, org) == (1, 0)


def test_adding_an_existing_workspace_conflicts(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    with projects.uow() as uow:
        uow.workspaces.add(replace(ws, name="Impostor", version=0))
        with pytest.raises(Conflict):
            uow.commit()
    assert stored_workspace(projects, ws).name == "Research"
    assert _counts(projects, ws.org_id) == (1, 0)


def test_get_many_keeps_the_order_asked_and_skips_the_missing(projects: ProjectsBackend) -> None:
    org = new_id()
    first, second = new_workspace(projects, org), new_workspace(projects, org)
    wanted = [second.id, new_id(), first.id, second.id]
    assert read(projects, lambda uow: uow.workspaces.get_many(org, wanted)) == [second, first]
    assert read(projects, lambda uow: uow.workspaces.get_many(new_id(), wanted)) == []


def test_list_org_pages_by_recent_activity_within_one_status(projects: ProjectsBackend) -> None:
    org = new_id()
    made = [new_workspace(projects, org, last_activity_at=at(minutes=m)) for m in (3, 1, 4, 5, 2)]
    archived = new_workspace(projects, org, status="archived")
    new_workspace(projects, new_id())  # another organisation's

    def listed(status: str) -> list[list[Workspace]]:
        return every_page(
            lambda p: read(
                projects, lambda uow: uow.workspaces.list_org(org, status=status, page=p)
            ),
            2,
        )

    pages = listed("active")
    assert [len(p) for p in pages] == [2, 2, 1]
    newest = sorted(made, key=lambda w: w.last_activity_at, reverse=True)
    assert [w for page in pages for w in page] == newest
    assert listed("archived") == [[archived]]


def test_save_changes_fields_and_status_and_keeps_the_counters(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id(), member_count=1)
    new_project(projects, ws)
    counted = stored_workspace(projects, ws)
    changed = replace(counted, name="Lab", status="archived", project_count=99, member_count=99)
    write(projects, lambda uow: uow.workspaces.save(changed))
    stored = stored_workspace(projects, ws)
    assert stored == replace(changed, project_count=1, member_count=1, version=2)
    active = read(
        projects,
        lambda uow: uow.workspaces.list_org(ws.org_id, status="active", page=PageRequest()),
    )
    archived = read(
        projects,
        lambda uow: uow.workspaces.list_org(ws.org_id, status="archived", page=PageRequest()),
    )
    assert (list(active.items), list(archived.items)) == ([], [stored])


@pytest.mark.parametrize("version", [0, 2])
def test_save_over_a_stale_version_fails(projects: ProjectsBackend, version: int) -> None:
    ws = new_workspace(projects, new_id())
    with projects.uow() as uow:
        uow.workspaces.save(replace(ws, name="Late", version=version))
        with pytest.raises(PreconditionFailed):
            uow.commit()
    assert stored_workspace(projects, ws) == ws


def test_save_of_a_missing_workspace_fails(projects: ProjectsBackend) -> None:
    with projects.uow() as uow:
        uow.workspaces.save(replace(workspace(new_id()), version=1))
        with pytest.raises(PreconditionFailed):
            uow.commit()


def test_touch_moves_the_activity_and_not_the_version(projects: ProjectsBackend) -> None:
    org = new_id()
    old, recent = (
        new_workspace(projects, org),
        new_workspace(projects, org, last_activity_at=at(minutes=1)),
    )
    write(projects, lambda uow: uow.workspaces.touch(org, old.id, at(minutes=2)))
    assert stored_workspace(projects, old) == replace(old, last_activity_at=at(minutes=2))
    page = read(
        projects, lambda uow: uow.workspaces.list_org(org, status="active", page=PageRequest())
    )
    assert [w.id for w in page.items] == [old.id, recent.id]


def test_touch_of_a_missing_workspace_conflicts(projects: ProjectsBackend) -> None:
    with projects.uow() as uow:
        uow.workspaces.touch(new_id(), new_id(), at(minutes=1))
        with pytest.raises(Conflict):
            uow.commit()


@pytest.mark.parametrize(("org_total", "expected"), [(True, (1, 3)), (False, (1, 0))])
def test_count_projects_adds_to_the_workspace_and_maybe_the_organisation(
    projects: ProjectsBackend, org_total: bool, expected: tuple[int, int]
) -> None:
    ws = new_workspace(projects, new_id())
    for delta in (+2, +1):
        write(
            projects,
            lambda uow, d=delta: uow.workspaces.count_projects(
                ws.org_id, ws.id, d, at=at(minutes=5), org_total=org_total
            ),
        )
    stored = stored_workspace(projects, ws)
    assert (stored.project_count, stored.version, stored.last_activity_at) == (3, 1, at(minutes=5))
    assert _counts(projects, ws.org_id) == expected


def test_count_projects_of_a_missing_workspace_conflicts(projects: ProjectsBackend) -> None:
    org = new_id()
    with projects.uow() as uow:
        uow.workspaces.count_projects(org, new_id(), +1, at=at())
        with pytest.raises(Conflict):
            uow.commit()
    assert _counts(projects, org) == (0, 0)


def test_a_project_arrives_only_in_an_active_workspace(projects: ProjectsBackend) -> None:
    """The write itself checks the status: an archive racing a create cannot be slipped."""
    org = new_id()
    archived = new_workspace(projects, org, status="archived")
    with projects.uow() as uow:
        uow.workspaces.count_projects(org, archived.id, +1, at=at(minutes=1))
        with pytest.raises(Conflict):
            uow.commit()
    write(projects, lambda uow: uow.workspaces.count_projects(org, archived.id, -1, at=at()))
    assert _counts(projects, org) == (1, -1)


def test_a_transaction_writes_a_workspace_once(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    with projects.uow() as uow:
        uow.workspaces.touch(ws.org_id, ws.id, at(minutes=1))
        uow.workspaces.count_projects(ws.org_id, ws.id, +1, at=at(minutes=1))
        with pytest.raises(DomainError):
            uow.commit()
    assert stored_workspace(projects, ws) == ws


def test_remove_deletes_an_empty_workspace_and_counts_it(projects: ProjectsBackend) -> None:
    org = new_id()
    ws, kept = new_workspace(projects, org), new_workspace(projects, org)
    write(projects, lambda uow: uow.workspaces.remove(ws))
    assert read(projects, lambda uow: uow.workspaces.get(org, ws.id)) is None
    assert stored_workspace(projects, kept) == kept
    assert _counts(projects, org) == (1, 0)


def test_remove_refuses_a_workspace_holding_a_project(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    new_project(projects, ws)
    with projects.uow() as uow:
        uow.workspaces.remove(ws)  # the version it holds is current: only the count stops it
        with pytest.raises(Conflict):
            uow.commit()
    assert stored_workspace(projects, ws).project_count == 1
    assert _counts(projects, ws.org_id) == (1, 1)


def test_remove_of_an_emptied_workspace_succeeds(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    new_project(projects, ws)
    write(projects, lambda uow: uow.workspaces.count_projects(ws.org_id, ws.id, -1, at=at()))
    write(projects, lambda uow: uow.workspaces.remove(ws))
    assert read(projects, lambda uow: uow.workspaces.get(ws.org_id, ws.id)) is None


@pytest.mark.parametrize("gone", [False, True])
def test_remove_over_a_stale_or_missing_workspace_conflicts(
    projects: ProjectsBackend, gone: bool
) -> None:
    ws = new_workspace(projects, new_id())
    if gone:
        write(projects, lambda uow: uow.workspaces.remove(ws))
    else:
        write(projects, lambda uow: uow.workspaces.save(replace(ws, name="Newer")))
    with projects.uow() as uow:
        uow.workspaces.remove(ws)
        with pytest.raises(Conflict):
            uow.commit()
    assert _counts(projects, ws.org_id) == (0 if gone else 1, 0)
