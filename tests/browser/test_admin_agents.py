"""Staff use the agent builder's pages of the admin in headless Chromium against the running
stack: the agents change list filtered by organisation and status, an agent edited, its
flow's summary opened through the link and back, then the agent archived."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from domains.agents.model import Agent
from domains.shared.tenancy import Principal
from tests.browser.conftest import LiveStack, screenshot, sign_in

COUNT = 4


@dataclass
class AgentsWorld:
    org_id: str
    agents: list[Agent]


@pytest.fixture(scope="module")
def world(live_stack: LiveStack) -> AgentsWorld:
    """In the second seeded organisation: a project with COUNT agents, the first of which
    has a three-node flow."""
    root, staff = live_stack.root, live_stack.staff_principal
    org_id = live_stack.org_ids[1]
    owner_id = root.identity.staff_tenants().get_organization(principal=staff, org_id=org_id)
    owner = root.tenancy().resolve(Principal(owner_id.created_by), org_id)
    workspace = root.projects.workspaces().create(ctx=owner, name="Agents at work")
    project = root.projects.projects().create(ctx=owner, workspace_id=workspace.id, name="Support")
    service = root.agents.agents()
    made = [
        service.create(ctx=owner, project_id=project.id, name=f"Helper {n}", tags=["support"])
        for n in range(COUNT)
    ]
    nodes = [
        {"id": "a", "type": "input", "position": {"x": 0, "y": 0}},
        {"id": "b", "type": "llm_call", "position": {"x": 100, "y": 0}},
        {"id": "c", "type": "output", "position": {"x": 200, "y": 0}},
    ]
    edges = [
        {"id": "ab", "source": "a", "target": "b", "target_handle": "prompt"},
        {"id": "bc", "source": "b", "target": "c"},
    ]
    root.agents.flows().save(
        ctx=owner, agent_id=made[0].id, expected_version=None, nodes=nodes, edges=edges, canvas={}
    )
    service.update(ctx=owner, agent_id=made[1].id, expected_version=None, status="active")
    return AgentsWorld(org_id, made)


def filter_by(page: Any, label: str, value: str) -> None:
    box = page.locator(f"#changelist-filter input[aria-label='{label}']")
    box.fill(value)
    box.press("Enter")


def test_filter_edit_follow_the_flow_and_archive_an_agent(page: Any, world: AgentsWorld) -> None:
    target = world.agents[0]
    sign_in(page)
    page.locator("#content-main a[href='/admin/agents/agents/']").first.click()
    expect(page).to_have_url(re.compile("/admin/agents/agents/$"))
    expect(page.locator("h1")).to_have_text("Agents")
    filter_by(page, "Organisation id", world.org_id)
    expect(page.locator("#result_list tbody tr")).to_have_count(COUNT)
    page.locator("#changelist-filter").get_by_role("link", name="Draft").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(COUNT - 1)
    expect(page.locator("#result_list")).not_to_contain_text("Helper 1")
    screenshot(page, "changelist-agents")

    page.fill("#searchbar", target.id)
    page.locator("#changelist-search input[type=submit]").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#result_list tbody th a").first.click()
    expect(page.locator("#id_name")).to_have_value("Helper 0")
    page.fill("#id_name", "Helper zero")
    page.fill("#id_description", "edited in the browser")
    page.select_option("#id_status", "active")
    page.fill("#id_tags", "support, Not A Tag!")
    page.click("input[name=_continue]")
    expect(page.locator(".field-tags .errorlist")).to_contain_text("tags are 1-40 of")
    page.fill("#id_tags", "support, browser")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("Saved agents")
    expect(page.locator("#id_name")).to_have_value("Helper zero")
    expect(page.locator("#details")).to_contain_text("browser, support")
    expect(page.locator("#details")).to_contain_text("active")
    screenshot(page, "change-agent")

    page.locator("#details a.related-link[href*='/agents/flows/']").click()  # its flow
    expect(page.locator("h1")).to_contain_text("Flows")
    details = page.locator("#details")
    expect(details.locator("tr", has_text="Nodes")).to_contain_text("3")
    expect(details.locator("tr", has_text="Edges")).to_contain_text("2")
    expect(page.locator("#content-main form")).to_have_count(0)  # read only
    page.locator("#details a.related-link").click()  # back to the agent
    expect(page.locator("#id_name")).to_have_value("Helper zero")

    page.locator("#item-actions").get_by_role("button", name="Archive").click()
    expect(page.locator(".messagelist")).to_contain_text("1 agent(s) archived.")
    page.goto(f"/admin/agents/agents/?org={world.org_id}")
    page.locator("#changelist-filter").get_by_role("link", name="Archived").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Helper zero")
    screenshot(page, "changelist-agents-archived")


def test_archive_agents_in_bulk_from_the_change_list(page: Any, world: AgentsWorld) -> None:
    sign_in(page)
    page.goto(f"/admin/agents/agents/?org={world.org_id}&status=draft")
    boxes = page.locator("#result_list tbody input.action-select")
    expect(boxes.first).to_be_visible()
    drafts = boxes.count()
    assert drafts in (COUNT - 1, COUNT - 2)  # one active; one more archived by the test above
    for n in range(drafts):
        boxes.nth(n).check()
    page.select_option("select[name=action]", "archive")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text(f"{drafts} agent(s) archived.")
    expect(page.locator("#result_list tbody")).to_contain_text("Nothing here.")
