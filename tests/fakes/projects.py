"""In-memory fakes of the projects ports: the unit tier drives the services with these, and
the contract suite holds them to the DynamoDB adapters' behaviour.

Lists sort as the store's indexes do: by the same ISO stamps (milliseconds) the key builder
writes, then the id. Counters live beside the entities, as the store's count items do.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from domains.projects.model import Counts, Dashboard, Member, Project, Workspace
from domains.shared.audit import AuditEntry
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import newest_first
from tests.fakes.project_members import InMemoryMembers, stamp
from tests.fakes.staged import FakeRepository, FakeUnitOfWork, bumped


@dataclass
class ProjectsStore:
    """The committed state. `counts` holds what the store keeps with ADD in its count items:
    ("org", org, "workspaces" | "projects") and ("user", scope, org, user)."""

    workspaces: dict[tuple[str, str], Workspace] = field(default_factory=dict)
    projects: dict[tuple[str, str], Project] = field(default_factory=dict)
    members: dict[tuple[str, str, str, str], Member] = field(default_factory=dict)
    counts: dict[tuple[str, ...], int] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)

    def add_count(self, key: tuple[str, ...], delta: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + delta


STALE_WORKSPACE = PreconditionFailed("the workspace changed since it was read")
STALE_PROJECT = PreconditionFailed("the project changed since it was read")


class InMemoryWorkspaces(FakeRepository):
    def get(self, org_id: str, workspace_id: str) -> Workspace | None:
        found: Workspace | None = self._s.workspaces.get((org_id, workspace_id))
        return found

    def get_many(self, org_id: str, workspace_ids: list[str]) -> list[Workspace]:
        found = (self.get(org_id, i) for i in dict.fromkeys(workspace_ids))
        return [w for w in found if w is not None]

    def list_org(self, org_id: str, *, status: str, page: PageRequest) -> Page[Workspace]:
        ours = [w for (o, _), w in self._s.workspaces.items() if o == org_id and w.status == status]
        return newest_first(
            ours,
            page,
            scope=("workspaces", org_id, status),
            key=lambda w: stamp(w.last_activity_at, w.id),
        )

    def add(self, workspace: Workspace) -> None:
        key = (workspace.org_id, workspace.id)

        def apply(s: ProjectsStore) -> None:
            if key in s.workspaces:
                raise Conflict("workspace exists")
            s.workspaces[key] = replace(workspace, version=1)

        self._stage(("workspaces", *key), apply)
        self._count_org(workspace.org_id, "workspaces", +1)

    def save(self, workspace: Workspace) -> None:
        key = (workspace.org_id, workspace.id)

        def apply(s: ProjectsStore) -> None:
            stored = s.workspaces.get(key)
            saved = bumped(workspace, stored, STALE_WORKSPACE)
            s.workspaces[key] = replace(
                saved, project_count=stored.project_count, member_count=stored.member_count
            )

        self._stage(("workspaces", *key), apply)

    def remove(self, workspace: Workspace) -> None:
        key = (workspace.org_id, workspace.id)

        def apply(s: ProjectsStore) -> None:
            stored = s.workspaces.get(key)
            if stored is None or stored.version != workspace.version or stored.project_count:
                raise Conflict("the workspace changed or got a project since it was read")
            del s.workspaces[key]

        self._stage(("workspaces", *key), apply)
        self._count_org(workspace.org_id, "workspaces", -1)

    def touch(self, org_id: str, workspace_id: str, at: datetime) -> None:
        self._stage_counts(org_id, workspace_id, at=at, delta=0)

    def count_projects(
        self, org_id: str, workspace_id: str, delta: int, *, at: datetime, org_total: bool = True
    ) -> None:
        self._stage_counts(org_id, workspace_id, at=at, delta=delta)
        if org_total:
            self._count_org(org_id, "projects", delta)

    def _stage_counts(self, org_id: str, workspace_id: str, *, at: datetime, delta: int) -> None:
        """Counters and last activity in one write; the version stays (not an edit)."""
        key = (org_id, workspace_id)

        def apply(s: ProjectsStore) -> None:
            stored = s.workspaces.get(key)
            if stored is None or (delta > 0 and stored.status != "active"):
                raise Conflict("the workspace is gone or archived")
            moved = stored.project_count + delta
            s.workspaces[key] = replace(stored, project_count=moved, last_activity_at=at)

        self._stage(("workspaces", *key), apply)

    def _count_org(self, org_id: str, name: str, delta: int) -> None:
        self._stage(
            ("workspaces", org_id, "STATS"), lambda s: s.add_count(("org", org_id, name), delta)
        )


class InMemoryProjects(FakeRepository):
    def get(self, org_id: str, project_id: str) -> Project | None:
        found: Project | None = self._s.projects.get((org_id, project_id))
        return found

    def get_many(self, org_id: str, project_ids: list[str]) -> list[Project]:
        found = (self.get(org_id, i) for i in dict.fromkeys(project_ids))
        return [p for p in found if p is not None]

    def list_workspace(
        self,
        org_id: str,
        workspace_id: str,
        *,
        page: PageRequest,
        status: str | None = None,
        tag: str | None = None,
    ) -> Page[Project]:
        def wanted(p: Project) -> bool:
            listed = p.status == status if status else p.status != "archived"
            return p.org_id == org_id and p.workspace_id == workspace_id and listed

        found = [p for p in self._s.projects.values() if wanted(p) and (not tag or tag in p.tags)]
        return newest_first(
            found,
            page,
            scope=("projects", org_id, workspace_id, status, tag),
            key=lambda p: stamp(p.updated_at, p.id),
        )

    def add(self, project: Project) -> None:
        key = (project.org_id, project.id)

        def apply(s: ProjectsStore) -> None:
            if key in s.projects:
                raise Conflict("project exists")
            s.projects[key] = replace(project, version=1)

        self._stage(("projects", *key), apply)

    def save(self, project: Project) -> None:
        key = (project.org_id, project.id)

        def apply(s: ProjectsStore) -> None:
            stored = s.projects.get(key)
            saved = bumped(project, stored, STALE_PROJECT)
            s.projects[key] = replace(saved, member_count=stored.member_count)

        self._stage(("projects", *key), apply)

    def remove(self, project: Project) -> None:
        key = (project.org_id, project.id)

        def apply(s: ProjectsStore) -> None:
            bumped(project, s.projects.get(key), STALE_PROJECT)
            del s.projects[key]

        self._stage(("projects", *key), apply)


class InMemoryProjectsUnitOfWork(FakeUnitOfWork):
    """Events are published to `store.events` by the commit, like the store's outbox."""

    store: ProjectsStore

    def __init__(self, store: ProjectsStore) -> None:
        super().__init__(store)
        self.workspaces = InMemoryWorkspaces(self)
        self.projects = InMemoryProjects(self)
        self.workspace_members = InMemoryMembers(self, "workspace")
        self.project_members = InMemoryMembers(self, "project")

    def publish(self, event: DomainEvent) -> None:
        self.staged.append(lambda s: s.events.append(event))


class InMemoryDashboardReader:
    """The dashboard from the same lists the store's reader queries."""

    def __init__(self, store: ProjectsStore) -> None:
        self._store = store

    def load(self, org_id: str, user_id: str, *, limit: int) -> Dashboard:
        uow, page = InMemoryProjectsUnitOfWork(self._store), PageRequest(limit)
        ws_recent = uow.workspace_members.list_for_user(org_id, user_id, page).items
        pr_recent = uow.project_members.list_for_user(org_id, user_id, page).items
        ws_pinned = uow.workspace_members.list_pinned(org_id, user_id, page).items
        pr_pinned = uow.project_members.list_pinned(org_id, user_id, page).items
        workspaces = _by_id(uow.workspaces.get_many(org_id, _ids(ws_recent, ws_pinned)))
        projects = _by_id(uow.projects.get_many(org_id, _ids(pr_recent, pr_pinned)))
        counts = self._store.counts
        return Dashboard(
            recent_workspaces=_pairs(ws_recent, workspaces),
            recent_projects=_pairs(pr_recent, projects),
            pinned_workspaces=_pairs(ws_pinned, workspaces),
            pinned_projects=_pairs(pr_pinned, projects),
            counts=Counts(
                workspaces=counts.get(("org", org_id, "workspaces"), 0),
                projects=counts.get(("org", org_id, "projects"), 0),
                my_workspaces=counts.get(("user", "workspace", org_id, user_id), 0),
                my_projects=counts.get(("user", "project", org_id, user_id), 0),
            ),
        )


def _ids(*lists: Any) -> list[str]:
    return [m.resource_id for members in lists for m in members]


def _by_id(entities: list[Any]) -> dict[str, Any]:
    return {e.id: e for e in entities}


def _pairs(members: Any, entities: dict[str, Any]) -> list[tuple[Any, Member]]:
    """Memberships of resources that are gone (a purge not finished) are left out."""
    return [(entities[m.resource_id], m) for m in members if m.resource_id in entities]


class InMemoryOrgDirectory:
    """The organisation's members, as the identity context would answer."""

    def __init__(self) -> None:
        self.members: set[tuple[str, str]] = set()

    def join(self, org_id: str, user_id: str) -> None:
        self.members.add((org_id, user_id))

    def is_member(self, org_id: str, user_id: str) -> bool:
        return (org_id, user_id) in self.members
