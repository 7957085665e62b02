"""POST /api/templates from an agent's published version: the version's flow and node
configs become the template's content; the agent must be one the caller can see."""

from __future__ import annotations

from tests.api.templates.conftest import body, flow, new_agent

PATH = "/api/templates"


def _published_agent(editor, project_id):  # type: ignore[no-untyped-def]
    agent = new_agent(editor, project_id)
    content = flow()
    graph = {k: content[k] for k in ("nodes", "edges", "canvas")}
    saved = editor.call("PUT", f"/api/agents/{agent['id']}/flow", graph)
    assert saved.status_code == 200, saved.content
    config = {"config": {"model": "gpt-4o", "temperature": 0.7}}
    put = editor.call("PUT", f"/api/flows/{agent['flow_id']}/nodes/n1/config", config)
    assert put.status_code in (200, 201), put.content
    published = editor.call("POST", f"/api/agents/{agent['id']}/versions", {"note": "first"})
    assert published.status_code == 201, published.content
    return agent


def test_a_template_from_an_agents_version(crew):  # type: ignore[no-untyped-def]
    member = crew["member"]
    agent = _published_agent(member, crew["project"]["id"])
    created = member.call(
        "POST", PATH, body(content=None, from_version={"agent_id": agent["id"], "version": 1})
    )
    assert created.status_code == 201, created.content
    content = created.json()["content"]
    assert [n["id"] for n in content["nodes"]] == ["n0", "n1", "n2"]
    assert content["configs"]["n1"]["model"] == "gpt-4o"
    assert content["configs"]["n1"]["temperature"] == 0.7
    # and the template's use carries that config into the new agent
    used = member.call(
        "POST", f"{PATH}/{created.json()['id']}/use", {"project_id": crew["project"]["id"]}
    )
    assert used.status_code == 201, used.content
    config = member.call("GET", f"/api/flows/{used.json()['flow_id']}/nodes/n1/config")
    assert config.json()["config"]["model"] == "gpt-4o"


def test_a_missing_version_is_422_and_anothers_agent_404(crew, outsider):  # type: ignore[no-untyped-def]
    member = crew["member"]
    agent = _published_agent(member, crew["project"]["id"])
    missing = body(content=None, from_version={"agent_id": agent["id"], "version": 9})
    assert member.call("POST", PATH, missing).status_code == 422
    both = body(from_version={"agent_id": agent["id"], "version": 1})
    assert member.call("POST", PATH, both).status_code == 422
    theirs = body(content=None, from_version={"agent_id": agent["id"], "version": 1})
    assert outsider.call("POST", PATH, theirs).status_code == 404
