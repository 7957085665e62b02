"""Staff use the projects pages of the admin (workspaces, projects, memberships) in headless
Chromium against the running stack, seeded here with more than a page of each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from domains.projects.model import Project, Workspace
from domains.shared.tenancy import Principal, TenantContext
from tests.browser.conftest import LiveStack, screenshot, sign_in

MANY = 27  # more than one page of 25


@dataclass
class ProjectsWorld:
    org_id: str
    owner: TenantContext
    workspaces: list[Workspace]
    lab: Workspace
    empty: Workspace
    projects: list[Project]
    member_id: str


@pytest.fixture(scope="module")
def world(live_stack: LiveStack) -> ProjectsWorld:
    """In the first seeded organisation: MANY workspaces, a "Lab" with MANY projects, an
    empty one, and a second member of the Lab."""
    root, staff = live_stack.root, live_stack.staff_principal
    org_id = live_stack.org_ids[0]
    tenants = root.identity.staff_tenants()
    owner_id = tenants.get_organization(principal=staff, org_id=org_id).created_by
    owner = root.tenancy().resolve(Principal(owner_id), org_id)
    workspaces, projects = root.projects.workspaces(), root.projects.projects()
    made = [workspaces.create(ctx=owner, name=f"Browser ws {n:02d}") for n in range(MANY)]
    lab = workspaces.create(ctx=owner, name="Lab", description="where models are made")
    empty = workspaces.create(ctx=owner, name="Empty room")
    in_lab = [
        projects.create(ctx=owner, workspace_id=lab.id, name=f"Model {n:02d}", tags=["ml"])
        for n in range(MANY)
    ]
    member = root.identity.staff().find_users(principal=staff, text="user20@example.com")[0]
    tenants.add_member(principal=staff, org_id=org_id, user_id=member.id, role="member")
    root.projects.workspace_members().add(
        ctx=owner, resource_id=lab.id, user_id=member.id, role="viewer"
    )
    return ProjectsWorld(org_id, owner, made, lab, empty, in_lab, member.id)


def rows(page: Any) -> Any:
    return page.locator("#result_list tbody th")


def filter_by(page: Any, label: str, value: str) -> None:
    box = page.locator(f"#changelist-filter input[aria-label='{label}']")
    box.fill(value)
    box.press("Enter")


def test_workspaces_list_page_filter_search_open_and_change(
    page: Any, world: ProjectsWorld
) -> None:
    sign_in(page)
    page.locator("#content-main").get_by_role("link", name="Workspaces", exact=True).click()
    expect(page).to_have_url(re.compile("/admin/projects/workspaces/$"))
    expect(page.locator("h1")).to_have_text("Workspaces")
    expect(page.locator("#result_list tbody tr")).to_have_count(25)
    first = rows(page).all_inner_texts()
    page.click("#next-page")
    expect(page.locator("#previous-page")).to_be_visible()
    assert not set(first) & set(rows(page).all_inner_texts())

    page.goto("/admin/projects/workspaces/")
    filter_by(page, "Organisation id", world.org_id)
    expect(page.locator("#result_list tbody tr")).to_have_count(25)
    page.click("#next-page")
    expect(page.locator("#result_list tbody tr")).to_have_count(MANY + 2 - 25)
    screenshot(page, "changelist-workspaces")

    page.fill("#searchbar", world.lab.id)
    page.locator("#changelist-search input[type=submit]").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#result_list tbody th a").first.click()
    expect(page.locator("#id_name")).to_have_value("Lab")
    expect(page.locator("#details")).to_contain_text(str(MANY))  # its project count
    page.fill("#id_description", "renamed in the browser")
    page.fill("#id_name", "Lab (browser)")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("Saved workspaces")
    expect(page.locator("#id_name")).to_have_value("Lab (browser)")


def test_a_stale_workspace_form_shows_the_conflict(
    page: Any, live_stack: LiveStack, world: ProjectsWorld
) -> None:
    target = world.workspaces[3]
    sign_in(page)
    page.goto(f"/admin/projects/workspaces/{world.org_id}:{target.id}/change/")
    live_stack.root.projects.workspaces().update(
        ctx=world.owner, workspace_id=target.id, expected_version=None, name="Someone else's"
    )
    page.fill("#id_name", "Mine")
    page.click("input[name=_save]")
    expect(page.locator("#content-main")).to_contain_text("Someone changed this item")
    expect(page.locator("#id_name")).to_have_value("Mine")
    expect(page.locator("#stored-values")).to_contain_text("Someone else's")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("Saved workspaces")


def test_archive_by_action_then_delete_after_confirmation(page: Any, world: ProjectsWorld) -> None:
    sign_in(page)
    page.goto(f"/admin/projects/workspaces/?org={world.org_id}&q={world.empty.id}")
    page.locator("#result_list tbody tr").first.locator("input.action-select").check()
    page.select_option("select[name=action]", "archive")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 workspace(s) archived.")
    page.goto(f"/admin/projects/workspaces/?org={world.org_id}")
    page.locator("#changelist-filter").get_by_role("link", name="Archived").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Empty room")

    page.goto(f"/admin/projects/workspaces/{world.org_id}:{world.lab.id}/delete/")
    page.click("#confirm-delete")
    expect(page.locator(".errornote")).to_contain_text(f"holds {MANY} project(s)")
    page.goto(f"/admin/projects/workspaces/{world.org_id}:{world.empty.id}/change/")
    page.click("a.deletelink")
    expect(page.locator("#content-main")).to_contain_text("Are you sure")
    page.click("#confirm-delete")
    expect(page.locator(".messagelist")).to_contain_text("Deleted workspaces")
    page.goto(f"/admin/projects/workspaces/?org={world.org_id}&q={world.empty.id}")
    expect(page.locator(".errornote")).to_contain_text("Nothing matches this search.")


def test_a_workspaces_projects_page_open_change_and_archive(
    page: Any, world: ProjectsWorld
) -> None:
    sign_in(page)
    page.goto(f"/admin/projects/projects/?org={world.org_id}")
    filter_by(page, "Workspace id", world.lab.id)
    expect(page.locator("#result_list tbody tr")).to_have_count(25)
    screenshot(page, "changelist-projects")
    page.click("#next-page")
    expect(page.locator("#result_list tbody tr")).to_have_count(MANY - 25)
    page.locator("#result_list tbody th a").first.click()
    expect(page.locator("#id_tags")).to_have_value("ml")
    page.fill("#id_tags", "ml, Not A Tag!")
    page.click("input[name=_continue]")
    expect(page.locator(".field-tags .errorlist")).to_contain_text("tags are 1-40 of")
    page.fill("#id_tags", "ml, browser")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("Saved projects")
    expect(page.locator("#details")).to_contain_text("browser, ml")
    page.locator("#item-actions").get_by_role("button", name="Archive").click()
    expect(page.locator(".messagelist")).to_contain_text("1 project(s) archived.")
    page.goto(f"/admin/projects/projects/?org={world.org_id}&workspace={world.lab.id}")
    page.locator("#changelist-filter").get_by_role("link", name="Archived").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)


def test_workspace_members_change_a_role_and_remove_one(page: Any, world: ProjectsWorld) -> None:
    key = f"{world.org_id}:{world.lab.id}:{world.member_id}"
    sign_in(page)
    page.goto("/admin/projects/")
    page.get_by_role("link", name="Workspace members", exact=True).click()
    filter_by(page, "Organisation id", world.org_id)
    expect(page.locator("#content-main .errornote")).to_contain_text("per workspace or per user")
    filter_by(page, "Workspace id", world.lab.id)
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    expect(page.locator("#result_list")).to_contain_text(world.member_id)
    screenshot(page, "changelist-workspace-members")
    page.goto(f"/admin/projects/workspace-members/{key}/change/")
    expect(page.locator("#id_user_id")).to_be_disabled()
    page.select_option("#id_role", "editor")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("Saved workspace members")
    expect(page.locator("#details")).to_contain_text("editor")
    page.click("a.deletelink")
    page.click("#confirm-delete")
    expect(page.locator(".messagelist")).to_contain_text("Deleted workspace members")
    expect(page.locator("#result_list")).not_to_contain_text(world.member_id)


def test_project_members_listed_per_project(page: Any, world: ProjectsWorld) -> None:
    project = world.projects[-1]
    sign_in(page)
    page.goto(f"/admin/projects/project-members/?org={world.org_id}&project={project.id}")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text(world.owner.principal.user_id)
    expect(page.locator("#result_list")).to_contain_text("admin")
