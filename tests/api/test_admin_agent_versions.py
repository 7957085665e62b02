"""Agent versions in the admin, through Django's test client over the real container (moto
in-process): an agent's published versions listed newest first (filters organisation +
agent, cursor pages), searched by number, a read-only detail page (counts, node types,
prompt pins, not the flow), linked from the agent's page and back; staff only, other
organisations' agents are not found."""

from __future__ import annotations

import re
from typing import Any

import pytest

from domains.agents.model import Agent
from domains.shared.errors import Forbidden
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal
from nexus.container import container
from tests.api.test_admin_agents import AGENTS, make_agents
from tests.api.test_admin_projects import key, listed, owner_ctx

VERSIONS = "/admin/agents/agent-versions/"
VERSION_LINK = re.compile(
    r'href="/admin/agents/agent-versions/([0-9A-Z]{26}:[0-9A-Z]{26}:\d+)/change/"'
)
NODES = [
    {"id": "in", "type": "input", "position": {"x": 0, "y": 0}},
    {"id": "llm", "type": "llm_call", "position": {"x": 1, "y": 0}},
    {"id": "llm2", "type": "llm_call", "position": {"x": 2, "y": 0}},
    {"id": "out", "type": "output", "position": {"x": 3, "y": 0}},
]
EDGES = [
    {"id": "e1", "source": "in", "target": "llm"},
    {"id": "e2", "source": "llm", "target": "llm2"},
    {"id": "e3", "source": "llm2", "target": "out"},
]


def published(owner: Any, agent: Agent, count: int) -> list[str]:
    """Publish `count` versions of the agent's flow (notes `v1`...): their admin keys."""
    ctx = owner_ctx(owner)
    container().agents.flows().save(
        ctx=ctx, agent_id=agent.id, expected_version=None, nodes=NODES, edges=EDGES, canvas={}
    )
    for node in ("llm", "llm2"):
        container().agents.node_types().put_config(
            ctx=ctx,
            flow_id=agent.flow_id,
            node_id=node,
            config={"model": "gpt-4o"},
            expected_version=None,
        )
    versions = container().agents.versions()
    made = [versions.publish(ctx=ctx, agent_id=agent.id, note=f"v{n + 1}") for n in range(count)]
    return [f"{v.org_id}:{v.agent_id}:{v.number}" for v in made]


def _rows(body: str) -> list[list[str]]:
    table = body.split('id="result_list"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in row] for row in cells]


def test_an_agents_versions_newest_first_in_pages(admin_client, signup):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    agent, other = make_agents(owner, 2)
    keys = published(owner, agent, 3)
    published(owner, other, 1)
    url = f"{VERSIONS}?org={owner.org_id}&agent={agent.id}"
    response = admin_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert VERSION_LINK.findall(body) == keys[::-1]  # newest first, only this agent's
    rows = _rows(body)
    assert [row[:2] for row in rows] == [["3", "v3"], ["2", "v2"], ["1", "v1"]]
    assert rows[0][2] == owner.user_id and rows[0][4:7] == ["4", "3", agent.id]
    assert f'href="{AGENTS}{key(agent)}/change/"' in body  # the agent id links to the agent
    _, links, page = listed(admin_client, f"{url}&limit=2")
    assert VERSION_LINK.findall(page) == keys[:0:-1] and "next-page" in links
    rest = admin_client.get(links["next-page"]).content.decode()
    assert VERSION_LINK.findall(rest) == keys[:1]


def test_the_filters_are_required_and_search_finds_a_number(admin_client, signup):  # type: ignore[no-untyped-def]
    owner, eve = signup("owner", org=True), signup("eve", org=True)
    (agent,) = make_agents(owner, 1)
    keys = published(owner, agent, 2)
    for url in (VERSIONS, f"{VERSIONS}?org={owner.org_id}", f"{VERSIONS}?agent={agent.id}"):
        _, _, body = listed(admin_client, url)
        assert "choose an organisation and an agent" in body, url
    searched = admin_client.get(f"{VERSIONS}?org={owner.org_id}&agent={agent.id}&q=1")
    assert VERSION_LINK.findall(searched.content.decode()) == keys[:1]
    for q in ("9", "x"):
        _, _, missing = listed(
            admin_client, f"{VERSIONS}?org={owner.org_id}&agent={agent.id}&q={q}"
        )
        assert "Nothing matches this search." in missing, q
    _, _, elsewhere = listed(admin_client, f"{VERSIONS}?org={eve.org_id}&agent={agent.id}")
    assert "Nothing matches this search." in elsewhere  # another organisation: no such agent


def test_the_detail_page_is_read_only_and_linked_from_the_agent(admin_client, signup):  # type: ignore[no-untyped-def]
    owner, eve = signup("owner", org=True), signup("eve", org=True)
    (agent,) = make_agents(owner, 1)
    keys = published(owner, agent, 2)
    agent_page = admin_client.get(f"{AGENTS}{key(agent)}/change/").content.decode()
    listing = f"{VERSIONS}?org={owner.org_id}&amp;agent={agent.id}"
    assert f'href="{listing}"' in agent_page  # its published version links to its versions
    response = admin_client.get(f"{VERSIONS}{keys[0]}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<form" not in page.split('id="details"')[0].split("content-main")[1]  # read only
    details = dict(
        (re.sub(r"<[^>]+>", "", k).strip(), re.sub(r"<[^>]+>", "", v).strip())
        for k, v in re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", page, re.S)
    )
    assert details["Number"] == "1" and details["Note"] == "v1"
    assert details["Agent name"] == agent.name and details["Created by"] == owner.user_id
    assert details["Node count"] == "4" and details["Edge count"] == "3"
    assert details["Node types"] == "input: 1, llm_call: 2, output: 1"
    assert details["Newest"] == "no" and "gpt-4o" not in page  # counts, not the flow
    assert f'href="{AGENTS}{key(agent)}/change/"' in page
    newest = admin_client.get(f"{VERSIONS}{keys[1]}/change/").content.decode()
    assert re.search(r"<th>Newest</th><td>yes</td>", newest)
    for missing in (
        f"{agent.org_id}:{agent.id}:3",
        f"{agent.org_id}:{agent.id}:x",
        f"{eve.org_id}:{agent.id}:1",
        f"{agent.org_id}:{agent.id}",
    ):
        assert admin_client.get(f"{VERSIONS}{missing}/change/").status_code == 404, missing
    assert admin_client.get(f"{VERSIONS}{keys[0]}/delete/").status_code == 404
    assert admin_client.get(f"{VERSIONS}add/").status_code == 404


def test_staff_only(signup, staff, client):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    (agent,) = make_agents(owner, 1)
    published(owner, agent, 1)
    service = container().agents.staff()
    not_staff = Principal(owner.user_id)
    with pytest.raises(Forbidden):
        service.list_versions(
            principal=not_staff, page=PageRequest(5), org_id=agent.org_id, agent_id=agent.id
        )
    with pytest.raises(Forbidden):
        service.get_version(principal=not_staff, org_id=agent.org_id, agent_id=agent.id, number=1)
    assert client.get(VERSIONS).status_code == 302  # to the admin's login


def test_a_versions_page_costs_a_few_dynamodb_calls(admin_client, signup):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    (agent,) = make_agents(owner, 1)
    keys = published(owner, agent, 30)
    recorder = container().gateways.recorder()
    costs = {}
    for name, url in {
        "list": f"{VERSIONS}?org={owner.org_id}&agent={agent.id}",
        "detail": f"{VERSIONS}{keys[0]}/change/",
    }.items():
        admin_client.get(url)  # warm
        with recorder.capture() as calls:
            assert admin_client.get(url).status_code == 200
        costs[name] = sorted((c.operation, c.table) for c in calls)
    print("DynamoDB calls per agent-versions page:", costs)
    # the browser session and the staff user behind it, the agent, then its versions
    session = [("GetItem", "user-sessions"), ("GetItem", "user-profiles")]
    agent_read = [("GetItem", "agents")]
    assert costs["list"] == sorted([*session, *agent_read, ("Query", "agent-versions")])
    assert costs["detail"] == sorted([*session, *agent_read, ("GetItem", "agent-versions")])
