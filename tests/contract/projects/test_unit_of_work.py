"""Contract: the projects unit of work (staged until commit, all or nothing) and its outbox:
an event and an audit entry exist exactly when the change they tell of does."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.identity.ports import AuditFilter
from domains.projects.model import Member, Workspace
from domains.projects.ports import ProjectsUnitOfWork
from domains.shared.audit import AuditEntry
from domains.shared.errors import DomainError, PreconditionFailed
from domains.shared.events import DomainEvent
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

from .conftest import ProjectsBackend
from .factories import NOW, at, member, new_workspace, project, read, workspace


def _event(ws: Workspace) -> DomainEvent:
    """The same event every call (its id is the workspace's)."""
    data = {"name": ws.name, "tags": ["a", "b"], "count": 2}
    return DomainEvent("WorkspaceCreated", ws.org_id, "ada", "workspace", ws.id, NOW, data, ws.id)


def _entry(ws: Workspace) -> AuditEntry:
    action, resource = "workspace.create", ("workspace", ws.id)
    return AuditEntry(ws.org_id, "ada", action, *resource, NOW, "req-1", {}, ws.id)


def _create(uow: ProjectsUnitOfWork, ws: Workspace, owner: Member) -> None:
    """A workspace, its first member, the audit entry and the event, as the service stages."""
    uow.workspaces.add(ws)
    uow.workspace_members.add(owner, count=False)
    uow.audit(_entry(ws))
    uow.publish(_event(ws))


def _audit(projects: ProjectsBackend, org_id: str) -> list[AuditEntry]:
    return list(projects.audit_log.list(org_id, AuditFilter(), PageRequest()).items)


def _world() -> tuple[Workspace, Member]:
    ws = workspace(new_id(), member_count=1)
    return ws, member("workspace", ws.org_id, ws.id, ws.created_by, role="admin")


def test_a_commit_writes_the_change_its_audit_entry_and_its_event(
    projects: ProjectsBackend,
) -> None:
    ws, owner = _world()
    with projects.uow() as uow:
        _create(uow, ws, owner)
        assert read(projects, lambda u: u.workspaces.get(ws.org_id, ws.id)) is None
        assert projects.events() == [] and _audit(projects, ws.org_id) == []
        uow.commit()
    assert read(projects, lambda u: u.workspaces.get(ws.org_id, ws.id)) == replace(ws, version=1)
    assert projects.events() == [_event(ws)]
    assert _audit(projects, ws.org_id) == [_entry(ws)]


def test_the_outbox_item_is_part_of_the_transaction(projects: ProjectsBackend) -> None:
    """Written with the change by one TransactWriteItems (DynamoDB: under OUTBOX#<shard>
    in system-logs), so a change that fails leaves no event behind."""
    ws, owner = _world()
    stale = new_workspace(projects, new_id())
    with projects.uow() as uow:
        _create(uow, ws, owner)
        uow.workspaces.save(replace(stale, name="Late", version=0))
        with pytest.raises(PreconditionFailed):
            uow.commit()
    assert projects.events() == [] and _audit(projects, ws.org_id) == []
    assert read(projects, lambda u: u.workspaces.get(ws.org_id, ws.id)) is None
    owner_page = read(
        projects,
        lambda u: u.workspace_members.list_for_user(ws.org_id, owner.user_id, PageRequest()),
    )
    assert list(owner_page.items) == []


def test_leaving_without_commit_discards_everything(projects: ProjectsBackend) -> None:
    ws, owner = _world()
    with pytest.raises(RuntimeError), projects.uow() as uow:
        _create(uow, ws, owner)
        raise RuntimeError("the use case failed half way")
    assert projects.events() == []
    assert read(projects, lambda u: u.workspaces.get(ws.org_id, ws.id)) is None


def test_events_of_several_commits_are_kept_apart(projects: ProjectsBackend) -> None:
    made = [_world() for _ in range(3)]
    for ws, owner in made:
        with projects.uow() as uow:
            _create(uow, ws, owner)
            uow.commit()
    assert sorted(e.resource_id for e in projects.events()) == sorted(ws.id for ws, _ in made)


def test_one_transaction_writes_an_item_once(projects: ProjectsBackend) -> None:
    """A new resource's member count is set by `add`, so its first member is added with
    `count=False`, not ADDed in the same transaction."""
    ws, owner = _world()
    with projects.uow() as uow:
        uow.workspaces.add(ws)
        uow.workspace_members.add(owner)
        uow.publish(_event(ws))
        with pytest.raises(DomainError):
            uow.commit()
    assert read(projects, lambda u: u.workspaces.get(ws.org_id, ws.id)) is None
    assert projects.events() == []


def test_a_project_and_its_workspace_count_commit_together(projects: ProjectsBackend) -> None:
    ws = new_workspace(projects, new_id())
    p = project(ws.org_id, ws.id, member_count=1)
    admin = member("project", ws.org_id, p.id, p.created_by, role="admin")
    with projects.uow() as uow:
        uow.projects.add(p)
        uow.project_members.add(admin, count=False)
        uow.workspaces.count_projects(ws.org_id, ws.id, +1, at=at(minutes=1))
        uow.commit()
    stored = read(projects, lambda u: u.workspaces.get(ws.org_id, ws.id))
    assert stored == replace(ws, project_count=1, last_activity_at=at(minutes=1))
    assert read(projects, lambda u: u.projects.get(ws.org_id, p.id)) == replace(p, version=1)
    assert read(
        projects, lambda u: u.project_members.get(ws.org_id, p.id, p.created_by)
    ) == replace(admin, version=1)
