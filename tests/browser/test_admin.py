"""Staff use the admin in headless Chromium against the running stack."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, PLAIN_EMAIL, LiveStack, screenshot, sign_in

IDENTITY_LISTS = {
    "Users": "users",
    "Organisations": "organizations",
    "Members": "members",
    "Sessions": "sessions",
    "API keys": "api-keys",
    "Application settings": "settings",
    "Audit log": "audit-log",
    "Content metadata": "content",
}


def test_non_staff_users_cannot_enter(page: Any) -> None:
    sign_in(page, PLAIN_EMAIL)
    expect(page.locator(".errornote")).to_contain_text("staff account")
    page.goto("/admin/identity/users/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next="))


def test_sign_in_open_every_identity_list_page_filter_and_sign_out(page: Any) -> None:
    sign_in(page)
    expect(page.locator("#site-name")).to_contain_text("Nexus Workbench administration")
    expect(page.locator("#recent-actions-module")).to_contain_text("staff.sign_in")
    screenshot(page, "index")
    for label, name in IDENTITY_LISTS.items():
        page.goto("/admin/")
        page.locator("#content-main").get_by_role("link", name=label, exact=True).click()
        expect(page).to_have_url(re.compile(f"/admin/identity/{name}/$"))
        expect(page.locator("h1")).to_have_text(label)
    page.goto("/admin/identity/users/")
    expect(page.locator("#result_list tbody tr")).to_have_count(25)
    first_page = page.locator("#result_list tbody th").all_inner_texts()
    screenshot(page, "changelist-users")
    page.click("#next-page")
    expect(page.locator("#first-page")).to_be_visible()
    second_page = page.locator("#result_list tbody th").all_inner_texts()
    assert second_page and not set(first_page) & set(second_page)
    page.goto("/admin/identity/users/")
    page.locator("#changelist-filter").get_by_role("link", name="Staff only").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("staff@example.com")
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#content")).to_contain_text("Logged out")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))


def test_page_forward_then_back(page: Any) -> None:
    sign_in(page)
    page.goto("/admin/identity/users/?limit=10")
    rows = page.locator("#result_list tbody th")
    expect(page.locator("#previous-page")).to_have_count(0)
    seen = [rows.all_inner_texts()]
    for _ in range(2):
        page.click("#next-page")
        expect(rows.first).not_to_have_text(seen[-1][0])
        seen.append(rows.all_inner_texts())
    assert all(len(p) == 10 for p in seen) and len({*seen[0], *seen[1], *seen[2]}) == 30
    page.click("#previous-page")
    expect(rows).to_have_text(seen[1])
    page.click("#previous-page")
    expect(rows).to_have_text(seen[0])
    expect(page.locator("#previous-page")).to_have_count(0)
    page.click("#next-page")
    expect(rows).to_have_text(seen[1])


def test_open_an_item_change_it_and_see_the_change(page: Any, live_stack: LiveStack) -> None:
    sign_in(page)
    page.goto(f"/admin/identity/organizations/?q={live_stack.org_ids[0]}")
    page.locator("#result_list tbody th a").first.click()
    page.fill("#id_name", "Renamed in the browser")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("Saved organisations")
    expect(page.locator("#result_list")).to_contain_text("Renamed in the browser")


def test_a_stale_form_shows_the_conflict_and_keeps_the_input(
    page: Any, live_stack: LiveStack
) -> None:
    org_id = live_stack.org_ids[1]
    sign_in(page)
    page.goto(f"/admin/identity/organizations/{org_id}/change/")
    version = int(page.locator("input[name=_version]").get_attribute("value"))
    live_stack.root.identity.staff_tenants().update_organization(
        principal=live_stack.staff_principal,
        org_id=org_id,
        expected_version=version,
        name="Changed by someone else",
        description="",
    )
    page.fill("#id_name", "My edit")
    page.click("input[name=_save]")
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.locator("#content-main")).to_contain_text("Someone changed this item")
    expect(page.locator("#id_name")).to_have_value("My edit")
    expect(page.locator("#stored-values")).to_contain_text("Changed by someone else")
    page.click("input[name=_save]")
    expect(page.locator("#result_list")).to_contain_text("My edit")


def test_delete_with_a_confirmation_page(page: Any) -> None:
    sign_in(page)
    page.goto("/admin/identity/settings/ui.banner/change/")
    page.click("a.deletelink")
    expect(page.locator("#content-main")).to_contain_text("Are you sure")
    page.click("#confirm-delete")
    expect(page.locator(".messagelist")).to_contain_text("Deleted")
    expect(page.locator("#result_list")).not_to_contain_text("ui.banner")


def test_add_a_user_then_delete_them_after_confirmation(page: Any) -> None:
    sign_in(page)
    page.goto("/admin/identity/users/add/")
    page.fill("#id_email", "added.in.browser@example.com")
    page.fill("#id_display_name", "Added in the browser")
    page.fill("#id_password", "short")
    page.click("input[name=_save]")
    expect(page.locator(".field-password .errorlist")).to_contain_text("at least 10 characters")
    page.fill("#id_password", PASSWORD)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("Saved users")
    page.goto("/admin/identity/users/?q=added.in.browser@example.com")
    page.locator("#result_list tbody th a").first.click()
    page.click("a.deletelink")
    expect(page.locator("#delete-note")).to_contain_text("frees their e-mail address")
    page.click("#confirm-delete")
    expect(page.locator(".messagelist")).to_contain_text("Deleted users")
    page.goto("/admin/identity/users/?q=added.in.browser@example.com")
    expect(page.locator("#result_list")).not_to_contain_text("added.in.browser@example.com")


def test_the_sole_owner_of_an_organisation_is_not_deleted(page: Any, live_stack: LiveStack) -> None:
    owner = (
        live_stack.root.identity.staff_tenants()
        .get_organization(principal=live_stack.staff_principal, org_id=live_stack.org_ids[2])
        .created_by
    )
    sign_in(page)
    page.goto(f"/admin/identity/users/{owner}/delete/")
    page.click("#confirm-delete")
    expect(page.locator(".errornote")).to_contain_text("sole owner")
    page.goto(f"/admin/identity/users/{owner}/change/")
    expect(page.locator("#id_email")).to_have_value(re.compile("@example.com"))


def test_run_a_bulk_action(page: Any) -> None:
    sign_in(page)
    page.goto("/admin/identity/users/?q=user07@example.com")
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "deactivated")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 user(s) deactivated.")
    page.goto("/admin/identity/users/?active=no")
    expect(page.locator("#result_list")).to_contain_text("user07@example.com")


def test_the_dashboard_draws_its_charts(page: Any) -> None:
    sign_in(page)
    page.goto("/admin/identity/users/")
    page.goto("/admin/dashboard/")
    expect(page.locator("body[data-charts-ready='1']")).to_have_count(1)
    expect(page.locator("#cost-table")).to_contain_text("user-profiles")
    expect(page.locator("#features")).to_contain_text("agent_builder")
    size = page.locator("#capacity-chart").bounding_box()
    assert size is not None and size["height"] > 100
    screenshot(page, "dashboard")
