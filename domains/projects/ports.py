"""What the projects context needs from storage (implemented in adapters/dynamodb/projects)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from domains.projects.model import Dashboard, Member, Project, Workspace
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from domains.shared.uow import UnitOfWork


class WorkspaceRepository(Protocol):
    def get(self, org_id: str, workspace_id: str) -> Workspace | None: ...

    def get_many(self, org_id: str, workspace_ids: list[str]) -> list[Workspace]: ...

    def list_org(self, org_id: str, *, status: str, page: PageRequest) -> Page[Workspace]:
        """The organisation's workspaces with `status`, most recently active first."""

    def add(self, workspace: Workspace) -> None:
        """Stage a new workspace and ADD 1 to the organisation's workspace count."""

    def save(self, workspace: Workspace) -> None:
        """Stage changed fields (PreconditionFailed if stale); counters are kept."""

    def remove(self, workspace: Workspace) -> None:
        """Stage the deletion, only if it is at `workspace.version` and holds no project
        (Conflict otherwise), and ADD -1 to the organisation's workspace count."""

    def touch(self, org_id: str, workspace_id: str, at: datetime) -> None:
        """Stage a new last-activity time (no version change: activity is not an edit)."""

    def count_projects(
        self, org_id: str, workspace_id: str, delta: int, *, at: datetime, org_total: bool = True
    ) -> None:
        """Stage ADD `delta` to the workspace's project count (and the organisation's, unless
        a move keeps the total), touching the workspace's last activity in the same update:
        a transaction writes each item once. A project arriving (`delta` > 0) needs the
        workspace still active at commit (Conflict otherwise)."""


class ProjectRepository(Protocol):
    def get(self, org_id: str, project_id: str) -> Project | None: ...

    def get_many(self, org_id: str, project_ids: list[str]) -> list[Project]: ...

    def list_workspace(
        self,
        org_id: str,
        workspace_id: str,
        *,
        page: PageRequest,
        status: str | None = None,
        tag: str | None = None,
    ) -> Page[Project]:
        """A workspace's projects, most recently updated first; all statuses but archived
        unless `status` names one."""

    def add(self, project: Project) -> None: ...

    def save(self, project: Project) -> None:
        """Stage changed fields (PreconditionFailed if stale); the member count is kept."""

    def remove(self, project: Project) -> None:
        """Stage the deletion (PreconditionFailed if stale)."""


class MemberRepository(Protocol):
    """Memberships of one scope ("workspace" or "project"). Adding and removing keep the
    resource's member count and the user's membership count with ADD in the same
    transaction."""

    def get(self, org_id: str, resource_id: str, user_id: str) -> Member | None: ...

    def list_members(self, org_id: str, resource_id: str, page: PageRequest) -> Page[Member]: ...

    def list_for_user(self, org_id: str, user_id: str, page: PageRequest) -> Page[Member]:
        """A user's memberships, most recent activity first."""

    def list_pinned(self, org_id: str, user_id: str, page: PageRequest) -> Page[Member]:
        """A user's pinned memberships, most recently pinned first."""

    def add(self, member: Member, *, count: bool = True) -> None:
        """Stage a new membership (Conflict if they are a member already); `count=False`
        when the resource is created in the same transaction with its count set."""

    def save(self, member: Member) -> None:
        """Stage a role change or a pin (PreconditionFailed if stale)."""

    def remove(self, member: Member) -> None:
        """Stage the removal (PreconditionFailed if stale)."""

    def purge(self, org_id: str, resource_id: str) -> None:
        """Delete every membership of a deleted resource, keeping the users' counts, in
        transactions of their own after the resource's. Memberships of a missing resource
        are never listed, so a purge cut short leaves nothing visible; running it again
        finishes it."""

    def touch(self, member: Member, at: datetime) -> None:
        """Record activity at once, outside any transaction (no version change)."""


class DashboardReader(Protocol):
    def load(self, org_id: str, user_id: str, *, limit: int) -> Dashboard:
        """My recent and pinned workspaces and projects, and the counts, in a fixed number
        of calls whatever the number of projects."""


class ProjectsStaffBrowser(Protocol):
    """Browsing for staff (the admin), never serving an API request: whole-table pages are
    paginated Scans; an organisation's workspaces or projects of every status are a Query
    of its partition."""

    def workspaces(self, page: PageRequest, *, status: str | None = None) -> Page[Workspace]: ...

    def projects(self, page: PageRequest, *, status: str | None = None) -> Page[Project]: ...

    def members(self, scope: str, page: PageRequest) -> Page[Member]:
        """Memberships of one scope ("workspace" or "project") across organisations."""

    def org_workspaces(self, org_id: str, page: PageRequest) -> Page[Workspace]: ...

    def org_projects(
        self, org_id: str, page: PageRequest, *, status: str | None = None
    ) -> Page[Project]: ...


class ProjectsUnitOfWork(UnitOfWork, Protocol):
    workspaces: WorkspaceRepository
    projects: ProjectRepository
    workspace_members: MemberRepository
    project_members: MemberRepository

    def publish(self, event: DomainEvent) -> None:
        """Stage the event in the outbox, in the same transaction as the change."""


UnitOfWorkFactory = Callable[[], ProjectsUnitOfWork]
