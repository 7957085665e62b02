"""The projects staff use cases on the in-memory fakes: staff only, the list each filter
chooses, and changes made through the API's services (audited `by_staff`, published)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest

from domains.projects.model import Member, Project, Workspace
from domains.projects.services.members import WORKSPACE, MemberService
from domains.projects.services.projects import ProjectService
from domains.projects.services.staff import StaffProjectService
from domains.projects.services.staff_members import StaffMemberService
from domains.projects.services.workspaces import WorkspaceService
from domains.shared.clock import FixedClock
from domains.shared.errors import Forbidden, NotFound, PreconditionFailed, ValidationFailed
from domains.shared.ids import new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.paging import page_of
from tests.fakes.projects import InMemoryOrgDirectory, InMemoryProjectsUnitOfWork, ProjectsStore

STAFF = Principal(new_id(), is_staff=True)
PAGE = PageRequest(25)


class StoreBrowser:
    """The staff browser over the fakes' store, each call recorded (a Scan's order is the
    store's own: here by organisation, then id)."""

    def __init__(self, store: ProjectsStore) -> None:
        self._s = store
        self.calls: list[str] = []

    def _page(self, name: str, items: Iterable[Any], page: PageRequest) -> Page[Any]:
        self.calls.append(name)
        ordered = sorted(items, key=lambda e: (e.org_id, getattr(e, "id", "")))
        return page_of(ordered, page, scope=name, key=lambda e: (e.org_id, getattr(e, "id", "")))

    def workspaces(self, page: PageRequest, *, status: str | None = None) -> Page[Workspace]:
        found = [w for w in self._s.workspaces.values() if not status or w.status == status]
        return self._page("scan workspaces", found, page)

    def projects(self, page: PageRequest, *, status: str | None = None) -> Page[Project]:
        found = [p for p in self._s.projects.values() if not status or p.status == status]
        return self._page("scan projects", found, page)

    def members(self, scope: str, page: PageRequest) -> Page[Member]:
        found = [m for m in self._s.members.values() if m.scope == scope]
        return self._page(f"scan {scope} members", found, page)

    def org_workspaces(self, org_id: str, page: PageRequest) -> Page[Workspace]:
        found = [w for w in self._s.workspaces.values() if w.org_id == org_id]
        return self._page("org workspaces", found, page)

    def org_projects(
        self, org_id: str, page: PageRequest, *, status: str | None = None
    ) -> Page[Project]:
        found = [p for p in self._s.projects.values() if p.org_id == org_id]
        return self._page(
            "org projects", [p for p in found if not status or p.status == status], page
        )


@dataclass
class World:
    store: ProjectsStore
    browser: StoreBrowser
    directory: InMemoryOrgDirectory
    workspaces: WorkspaceService
    projects: ProjectService
    staff: StaffProjectService
    ws_members: StaffMemberService

    def owner(self) -> TenantContext:
        user = new_id()
        org = new_id()
        self.directory.join(org, user)
        return TenantContext(org, Principal(user), "owner", permissions_for("owner"))


@pytest.fixture
def world() -> World:
    store, clock = ProjectsStore(), FixedClock()
    browser, directory = StoreBrowser(store), InMemoryOrgDirectory()

    def uow() -> InMemoryProjectsUnitOfWork:
        return InMemoryProjectsUnitOfWork(store)

    workspaces = WorkspaceService(uow=uow, clock=clock)
    projects = ProjectService(uow=uow, clock=clock)
    members = MemberService(uow=uow, clock=clock, directory=directory, scope=WORKSPACE)
    staff = StaffProjectService(uow=uow, browser=browser, workspaces=workspaces, projects=projects)
    ws_members = StaffMemberService(uow=uow, browser=browser, members=members, scope="workspace")
    return World(store, browser, directory, workspaces, projects, staff, ws_members)


def test_staff_use_cases_refuse_everyone_but_staff_users(world: World) -> None:
    ctx = world.owner()
    ws = world.workspaces.create(ctx=ctx, name="Research")
    key_user = Principal(STAFF.user_id, is_staff=True, api_key_id=new_id())
    for principal in (Principal(ctx.principal.user_id), key_user):
        with pytest.raises(Forbidden):
            world.staff.list_workspaces(principal=principal, page=PAGE)
        with pytest.raises(Forbidden):
            world.staff.get_workspace(principal=principal, org_id=ws.org_id, workspace_id=ws.id)
        with pytest.raises(Forbidden):
            world.ws_members.list(principal=principal, page=PAGE)
    assert world.store.audit[-1].action == "workspace.create"


def ids(page: Page[Any]) -> list[str]:
    return [item.id for item in page.items]


def test_each_filter_chooses_its_access_pattern(world: World) -> None:
    one, two = world.owner(), world.owner()
    a = world.workspaces.create(ctx=one, name="A")
    b = world.workspaces.create(ctx=two, name="B")
    world.workspaces.archive(ctx=two, workspace_id=b.id)
    assert set(ids(world.staff.list_workspaces(principal=STAFF, page=PAGE))) == {a.id, b.id}
    archived = world.staff.list_workspaces(principal=STAFF, page=PAGE, status="archived")
    assert ids(archived) == [b.id]
    assert ids(world.staff.list_workspaces(principal=STAFF, page=PAGE, org_id=two.org_id)) == [b.id]
    by_index = world.staff.list_workspaces(
        principal=STAFF, page=PAGE, org_id=two.org_id, status="active"
    )
    assert ids(by_index) == []
    assert world.browser.calls == ["scan workspaces", "scan workspaces", "org workspaces"]
    with pytest.raises(ValidationFailed):
        world.staff.list_workspaces(principal=STAFF, page=PAGE, status="gone")
    with pytest.raises(ValidationFailed, match="organisation as well"):
        world.staff.list_projects(principal=STAFF, page=PAGE, workspace_id=a.id)
    with pytest.raises(ValidationFailed, match="per workspace or per user"):
        world.ws_members.list(principal=STAFF, page=PAGE, org_id=one.org_id)


def test_changes_go_through_the_api_services_audited_by_staff(world: World) -> None:
    ctx = world.owner()
    ws = world.workspaces.create(ctx=ctx, name="Research")
    project = world.projects.create(ctx=ctx, workspace_id=ws.id, name="Churn")
    changed = world.staff.update_project(
        principal=STAFF,
        org_id=ctx.org_id,
        project_id=project.id,
        expected_version=project.version,
        name="Churn v2",
        description="",
        tags=["ml"],
        request_id="req-1",
    )
    assert changed.tags == {"ml"} and changed.version == 2
    entry, event = world.store.audit[-1], world.store.events[-1]
    assert (entry.action, entry.actor_id, entry.org_id) == (
        "project.update",
        STAFF.user_id,
        ctx.org_id,
    )
    assert entry.details["by_staff"] is True and entry.request_id == "req-1"
    assert (event.name, event.actor_id) == ("ProjectUpdated", STAFF.user_id)
    with pytest.raises(PreconditionFailed):
        world.staff.update_workspace(
            principal=STAFF,
            org_id=ctx.org_id,
            workspace_id=ws.id,
            expected_version=ws.version + 5,
            name="x",
            description="",
        )


def test_bulk_archive_skips_what_is_archived_already_or_gone(world: World) -> None:
    ctx = world.owner()
    a, b = (world.workspaces.create(ctx=ctx, name=n) for n in "ab")
    world.workspaces.archive(ctx=ctx, workspace_id=b.id)
    done = world.staff.set_archived(
        principal=STAFF,
        kind="workspace",
        keys=[(ctx.org_id, a.id), (ctx.org_id, b.id), ("bad", a.id), (ctx.org_id, new_id())],
        archived=True,
    )
    assert done.changed == 1 and len(done.skipped) == 3
    assert "archived already" in done.skipped[0] and "not found" in done.skipped[1]
    assert [e.name for e in world.store.events[-2:]] == ["WorkspaceArchived", "WorkspaceArchived"]


def test_removing_a_member_checks_the_version_read(world: World) -> None:
    ctx = world.owner()
    ws = world.workspaces.create(ctx=ctx, name="Research")
    joiner = new_id()
    world.directory.join(ctx.org_id, joiner)
    added = world.ws_members.add(
        principal=STAFF, org_id=ctx.org_id, resource_id=ws.id, user_id=joiner, role="viewer"
    )
    member = {"org_id": ctx.org_id, "resource_id": ws.id, "user_id": joiner}
    world.ws_members.change_role(principal=STAFF, **member, role="editor", expected_version=None)
    with pytest.raises(PreconditionFailed):
        world.ws_members.remove(principal=STAFF, **member, expected_version=added.version)
    world.ws_members.remove(principal=STAFF, **member, expected_version=added.version + 1)
    with pytest.raises(NotFound):
        world.ws_members.get(principal=STAFF, **member)
    assert world.store.workspaces[(ctx.org_id, ws.id)].member_count == 1
    assert [e.action for e in world.store.audit[-3:]] == [
        "workspace_member.add",
        "workspace_member.change_role",
        "workspace_member.remove",
    ]
