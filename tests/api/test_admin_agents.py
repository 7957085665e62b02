"""The agent builder's pages of the admin through Django's test client over the real
container (moto in-process): agents listed, filtered, searched, changed, archived and deleted
by staff (audited and published like the API's; a deletion purges the flow and its node
configs), flows summarised read-only with a link to their agent, and custom node types."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from domains.agents.model import Agent
from domains.shared.errors import Forbidden
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal
from nexus.container import container
from tests.api.conftest import PASSWORD, STAFF_EMAIL, Caller
from tests.api.test_admin_projects import (
    audit_entries,
    key,
    listed,
    make_projects,
    make_workspaces,
    outbox_events,
    owner_ctx,
    version_on,
)

AGENTS = "/admin/agents/agents/"
FLOWS = "/admin/agents/flows/"
NODE_TYPES = "/admin/agents/node-types/"
CUSTOM = {
    "type": "sentiment",
    "label": "Sentiment",
    "category": "ai",
    "config_schema": {"type": "object", "properties": {"language": {"type": "string"}}},
    "defaults": {"language": "en"},
}


def make_agents(owner: Caller, count: int, *, projects: int = 1) -> list[Agent]:
    """`count` agents spread over `projects` new projects of one new workspace."""
    ctx = owner_ctx(owner)
    made = make_projects(owner, make_workspaces(owner, 1)[0], projects)
    agents = container().agents.agents()
    return [
        agents.create(
            ctx=ctx, project_id=made[n % projects].id, name=f"agent {n:02d}", tags=["support"]
        )
        for n in range(count)
    ]


def flow_of(n: int) -> dict[str, Any]:
    """input -> llm_call x (n - 2) -> output."""
    kinds = ["input", *["llm_call"] * (n - 2), "output"]
    nodes = [{"id": f"n{i}", "type": t, "position": {"x": i, "y": 0}} for i, t in enumerate(kinds)]
    edges = [
        {"id": f"e{i}", "source": f"n{i}", "target": f"n{i + 1}", "target_handle": "prompt"}
        for i in range(n - 1)
    ]
    edges[-1].pop("target_handle")
    return {"nodes": nodes, "edges": edges, "canvas": {}}


def staff_principal(staff: Any) -> Principal:
    return Principal(staff.id, is_staff=True)


def test_agents_list_across_organisations_and_by_organisation_project_and_status(
    admin_client, signup
):  # type: ignore[no-untyped-def]
    one, two = signup("one", org=True), signup("two", org=True)
    ones = make_agents(one, 27, projects=2)
    twos = make_agents(two, 2)
    first, links, body = listed(admin_client, AGENTS)
    assert len(first) == 25 and "Agents" in body and "Custom node types" in body
    second, _, _ = listed(admin_client, links["next-page"])
    assert {*first, *second} == {key(a) for a in ones + twos}

    by_org, org_links, _ = listed(admin_client, f"{AGENTS}?org={one.org_id}")
    rest, _, _ = listed(admin_client, org_links["next-page"])
    assert len(by_org) == 25 and {*by_org, *rest} == {key(a) for a in ones}
    project = ones[0].project_id
    in_project = {key(a) for a in ones if a.project_id == project}
    by_project, p_links, _ = listed(admin_client, f"{AGENTS}?org={one.org_id}&project={project}")
    assert set(by_project) == in_project and "next-page" not in p_links and len(in_project) == 14
    drafts, _, _ = listed(admin_client, f"{AGENTS}?org={two.org_id}&status=draft")
    assert drafts == [key(a) for a in reversed(twos)]  # the status index, newest first
    assert listed(admin_client, f"{AGENTS}?org={two.org_id}&status=active")[0] == []
    _, _, no_org = listed(admin_client, f"{AGENTS}?project={project}")
    assert "choose the project&#x27;s organisation as well" in no_org
    _, _, bad_status = listed(admin_client, f"{AGENTS}?status=gone")
    assert "one of [" in bad_status


def test_search_an_agent_by_id(admin_client, signup):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    wanted, _ = make_agents(owner, 2)
    by_org, _, _ = listed(admin_client, f"{AGENTS}?org={owner.org_id}&q={wanted.id}")
    assert by_org == [key(wanted)]
    by_key, _, _ = listed(admin_client, f"{AGENTS}?q={key(wanted).lower()}")
    assert by_key == [key(wanted)]
    _, _, no_org = listed(admin_client, f"{AGENTS}?q={wanted.id}")
    assert "choose an organisation" in no_org
    _, _, missing = listed(admin_client, f"{AGENTS}?org={owner.org_id}&q={owner.user_id}")
    assert "Nothing matches this search." in missing


def test_change_an_agent_audited_published_and_stale_forms_conflict(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    (agent,) = make_agents(owner, 1)
    url = f"{AGENTS}{key(agent)}/change/"
    form = admin_client.get(url).content.decode()
    assert 'value="agent 00"' in form and 'value="support"' in form
    assert f'href="{FLOWS}{key(agent)}/change/"' in form  # its flow's summary
    project = f"/admin/projects/projects/{agent.org_id}:{agent.project_id}/change/"
    assert f'href="{project}"' in form  # and its project
    assert admin_client.get(project).status_code == 200
    fields = {"name": "Triage", "description": "by staff", "status": "active"}
    bad = admin_client.post(url, {**fields, "tags": "NOT OK!", "_version": version_on(form)})
    assert "tags are 1-40 of" in bad.content.decode()
    saved = admin_client.post(url, {**fields, "tags": "support, vip", "_version": version_on(form)})
    assert saved.status_code == 302, saved.content
    stored = (
        container()
        .agents.staff()
        .get_agent(principal=staff_principal(staff), org_id=agent.org_id, agent_id=agent.id)
    )
    assert (stored.name, stored.status, stored.tags) == ("Triage", "active", {"support", "vip"})
    assert stored.description == "by staff" and stored.version == 2
    (entry,) = audit_entries(staff, agent.org_id, "agent.update")
    assert entry.actor_id == staff.id and entry.details["by_staff"] is True
    (event,) = outbox_events("AgentUpdated")
    assert event["resource_id"] == agent.id and event["actor_id"] == staff.id

    stale = admin_client.post(url, {**fields, "tags": "", "_version": version_on(form)})
    body = stale.content.decode()
    assert stale.status_code == 200 and "Someone changed this item after you opened it" in body
    assert 'value="Triage"' in body and int(version_on(body)) == 2
    archiving = admin_client.post(url, {**fields, "status": "archived", "_version": "2"})
    assert "archive an agent with the Archive action" in archiving.content.decode()


def test_archive_agents_in_bulk_then_an_archived_agent_stays_archived(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    a, b, c = make_agents(owner, 3)
    done = admin_client.post(AGENTS, {"action": "archive", "_selected": [key(a), key(b)]})
    assert done.status_code == 302
    assert "2 agent(s) archived." in admin_client.get(done["Location"]).content.decode()
    again = admin_client.post(AGENTS, {"action": "archive", "_selected": [key(b), key(c)]})
    page = admin_client.get(again["Location"]).content.decode()
    assert "1 agent(s) archived. Skipped" in page and "archived already" in page
    archived, _, _ = listed(admin_client, f"{AGENTS}?org={owner.org_id}&status=archived")
    assert set(archived) == {key(a), key(b), key(c)}
    scanned, _, _ = listed(admin_client, f"{AGENTS}?status=archived")
    assert set(scanned) == set(archived)
    assert listed(admin_client, f"{AGENTS}?org={owner.org_id}&status=draft")[0] == []
    assert len(audit_entries(staff, owner.org_id, "agent.archive")) == 3
    assert len(outbox_events("AgentArchived")) == 3

    url = f"{AGENTS}{key(a)}/change/"
    form = admin_client.get(url).content.decode()
    renamed = {"name": "Old", "status": "archived", "tags": "", "_version": version_on(form)}
    assert admin_client.post(url, renamed).status_code == 302
    stored = (
        container()
        .agents.staff()
        .get_agent(principal=staff_principal(staff), org_id=a.org_id, agent_id=a.id)
    )
    assert (stored.name, stored.status) == ("Old", "archived")
    reopened = {**renamed, "status": "active", "_version": str(stored.version)}
    refused = admin_client.post(url, reopened).content.decode()
    assert "the agent is archived" in refused


def test_delete_an_agent_after_confirmation_purges_its_flow_and_configs(
    admin_client, signup, staff
):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    agent, kept = make_agents(owner, 2)
    ctx = owner_ctx(owner)
    flow = (
        container()
        .agents.flows()
        .save(ctx=ctx, agent_id=agent.id, expected_version=None, **flow_of(3))
    )
    container().agents.node_types().put_config(
        ctx=ctx, flow_id=flow.id, node_id="n1", config={"model": "gpt-4o-mini"}, expected_version=0
    )
    url = f"{AGENTS}{key(agent)}/delete/"
    confirm = admin_client.get(url).content.decode()
    assert "Are you sure" in confirm and "every node configuration of the flow" in confirm
    container().agents.agents().update(
        ctx=ctx, agent_id=agent.id, expected_version=None, name="Meanwhile"
    )
    stale = admin_client.post(url, {"_version": version_on(confirm)})
    assert "It changed since you opened this page" in stale.content.decode()
    gone = admin_client.post(url, {"_version": version_on(stale.content.decode())})
    assert gone.status_code == 302
    assert admin_client.get(f"{AGENTS}{key(agent)}/change/").status_code == 404
    assert admin_client.get(f"{FLOWS}{key(agent)}/change/").status_code == 404
    with container().agents.uow()() as uow:
        assert uow.flows.get(agent.org_id, agent.flow_id) is None
        assert uow.node_configs.get(agent.org_id, agent.flow_id, "n1") is None
        assert uow.flows.get(kept.org_id, kept.flow_id) is not None
    (entry,) = audit_entries(staff, owner.org_id, "agent.delete")
    assert entry.actor_id == staff.id and entry.details["by_staff"] is True
    assert [e["resource_id"] for e in outbox_events("AgentDeleted")] == [agent.id]
    assert listed(admin_client, f"{AGENTS}?org={owner.org_id}")[0] == [key(kept)]


def test_flows_are_summarised_read_only_with_a_link_to_their_agent(admin_client, signup):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    big, small = make_agents(owner, 2)
    container().agents.flows().save(
        ctx=owner_ctx(owner), agent_id=big.id, expected_version=None, **flow_of(5)
    )
    response = admin_client.get(f"{FLOWS}?org={owner.org_id}")
    body = response.content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    by_name = {re.sub(r"<[^>]+>", "", c[0]): c for c in cells}
    assert by_name["agent 00"][1:4] == ["5", "4", "2"]  # nodes, edges, flow version
    assert by_name["agent 01"][1:4] == ["0", "0", "1"]
    assert f'href="{AGENTS}{key(big)}/change/"' in body  # the agent id links to the agent
    page = admin_client.get(f"{FLOWS}{key(big)}/change/").content.decode()
    assert "<form" not in page.split('id="details"')[0].split("content-main")[1]  # read only
    assert f'href="{AGENTS}{key(big)}/change/"' in page
    assert admin_client.get(f"{FLOWS}{key(big)}/delete/").status_code == 404
    assert admin_client.get(f"{FLOWS}add/").status_code == 404
    everywhere = admin_client.get(FLOWS).content.decode()
    assert f"{key(big)}/change/" in everywhere and f"{key(small)}/change/" in everywhere


def test_custom_node_types_by_organisation_and_across(admin_client, signup):  # type: ignore[no-untyped-def]
    one, two = signup("one", org=True), signup("two", org=True)
    container().agents.node_types().add_custom(ctx=owner_ctx(one), spec=CUSTOM)
    container().agents.node_types().add_custom(
        ctx=owner_ctx(two), spec={**CUSTOM, "type": "toxicity"}
    )
    keys = re.compile(r'href="/admin/agents/node-types/([0-9A-Z]{26}:[a-z_]+)/change/"')
    assert set(keys.findall(admin_client.get(NODE_TYPES).content.decode())) == {
        f"{one.org_id}:sentiment",
        f"{two.org_id}:toxicity",
    }
    by_org = admin_client.get(f"{NODE_TYPES}?org={two.org_id}").content.decode()
    assert keys.findall(by_org) == [f"{two.org_id}:toxicity"]
    found = admin_client.get(f"{NODE_TYPES}?q={one.org_id.lower()}:sentiment").content.decode()
    assert keys.findall(found) == [f"{one.org_id}:sentiment"]
    page = admin_client.get(f"{NODE_TYPES}{one.org_id}:sentiment/change/").content.decode()
    assert "Sentiment" in page and "config_schema" in page
    assert admin_client.get(f"{NODE_TYPES}{two.org_id}:sentiment/change/").status_code == 404


def test_the_pages_are_for_staff_only_and_absent_without_the_feature(make_stack, signup, staff):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    (agent,) = make_agents(owner, 1)
    not_staff = Principal(owner.user_id)
    with pytest.raises(Forbidden):
        container().agents.staff().list_agents(principal=not_staff, page=PageRequest(5))
    with pytest.raises(Forbidden):
        container().agents.staff().get_agent(
            principal=not_staff, org_id=agent.org_id, agent_id=agent.id
        )
    with pytest.raises(Forbidden):  # an API key never acts as staff
        container().prompts.staff().list_prompts(
            principal=Principal(staff.id, is_staff=True, api_key_id="K"), page=PageRequest(5)
        )
    make_stack(("project_management",))  # the same store, agent_builder off
    client = Client()
    signed_in = client.post("/admin/login/", {"username": STAFF_EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 302
    index = client.get("/admin/").content.decode()
    assert "Workspaces" in index and "Agents" not in index and "Prompts" not in index
    for url in (AGENTS, FLOWS, NODE_TYPES, "/admin/agents/prompts/", "/admin/agents/"):
        assert client.get(url).status_code == 404, url


def test_an_agents_page_costs_a_few_dynamodb_calls(admin_client, signup):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    agents = make_agents(owner, 30)
    recorder = container().gateways.recorder()
    costs = {}
    for name, url in {
        "scan": AGENTS,
        "org": f"{AGENTS}?org={owner.org_id}",
        "org+status": f"{AGENTS}?org={owner.org_id}&status=draft",
        "org+project": f"{AGENTS}?org={owner.org_id}&project={agents[0].project_id}",
        "flows": f"{FLOWS}?org={owner.org_id}",
    }.items():
        admin_client.get(url)  # warm
        with recorder.capture() as calls:
            assert admin_client.get(url).status_code == 200
        costs[name] = sorted(c.operation for c in calls)
    print("DynamoDB calls per agents change-list page:", costs)
    # the session and the staff user behind it, then the page
    for name in ("org", "org+status", "org+project"):
        assert costs[name] == ["GetItem", "GetItem", "Query"], name
    assert costs["scan"].count("GetItem") == 2 and 1 <= costs["scan"].count("Scan") <= 3
    assert costs["flows"] == ["GetItem"] * (2 + 25) + ["Query"]  # one GetItem per flow
