"""Domain objects for the projects contract suite, and the steps every test repeats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from domains.projects.model import Member, Project, Workspace
from domains.projects.ports import MemberRepository, ProjectsUnitOfWork
from domains.shared.ids import new_id
from tests.contract.identity.factories import every_page

from .conftest import ProjectsBackend

__all__ = ["every_page"]

T = TypeVar("T")

# Far after the wall clock, whose time the adapters' TTL filter reads: the audit entries and
# outbox items a test writes have not expired.
NOW = datetime(2099, 1, 1, tzinfo=UTC)

Stage = Callable[[ProjectsUnitOfWork], object]


def at(**delta: float) -> datetime:
    return NOW + timedelta(**delta)


def write(projects: ProjectsBackend, *stages: Stage) -> None:
    """Stage through one unit of work and commit it."""
    with projects.uow() as uow:
        for stage in stages:
            stage(uow)
        uow.commit()


def read(projects: ProjectsBackend, query: Callable[[ProjectsUnitOfWork], T]) -> T:
    with projects.uow() as uow:
        return query(uow)


def stored_workspace(projects: ProjectsBackend, ws: Workspace) -> Workspace:
    found = read(projects, lambda uow: uow.workspaces.get(ws.org_id, ws.id))
    assert found is not None
    return found


def stored_project(projects: ProjectsBackend, p: Project) -> Project:
    found = read(projects, lambda uow: uow.projects.get(p.org_id, p.id))
    assert found is not None
    return found


def workspace(org_id: str, **changes: Any) -> Workspace:
    fields: dict[str, Any] = {
        "org_id": org_id,
        "id": new_id(),
        "name": "Research",
        "created_by": new_id(),
        "created_at": NOW,
        "updated_at": NOW,
        "last_activity_at": NOW,
    }
    return Workspace(**(fields | changes))


def project(org_id: str, workspace_id: str, **changes: Any) -> Project:
    fields: dict[str, Any] = {
        "org_id": org_id,
        "id": new_id(),
        "workspace_id": workspace_id,
        "name": "Churn model",
        "created_by": new_id(),
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Project(**(fields | changes))


def member(scope: str, org_id: str, resource_id: str, user_id: str = "", **changes: Any) -> Member:
    fields: dict[str, Any] = {
        "org_id": org_id,
        "scope": scope,
        "resource_id": resource_id,
        "user_id": user_id or new_id(),
        "role": "editor",
        "joined_at": NOW,
        "last_activity_at": NOW,
    }
    return Member(**(fields | changes))


def new_workspace(projects: ProjectsBackend, org_id: str, **changes: Any) -> Workspace:
    """A stored workspace (version 1), added as the service adds one."""
    ws = workspace(org_id, **changes)
    write(projects, lambda uow: uow.workspaces.add(ws))
    return replace(ws, version=1)


def new_project(projects: ProjectsBackend, ws: Workspace, **changes: Any) -> Project:
    """A stored project (version 1), its workspace's count moved in the same transaction."""
    p = project(ws.org_id, ws.id, **changes)
    write(
        projects,
        lambda uow: uow.projects.add(p),
        lambda uow: uow.workspaces.count_projects(ws.org_id, ws.id, +1, at=p.updated_at),
    )
    return replace(p, version=1)


def members(uow: ProjectsUnitOfWork, scope: str) -> MemberRepository:
    return uow.workspace_members if scope == "workspace" else uow.project_members


def join(projects: ProjectsBackend, m: Member) -> Member:
    """A stored membership (version 1), the counts moved in its transaction."""
    write(projects, lambda uow: members(uow, m.scope).add(m))
    return replace(m, version=1)
