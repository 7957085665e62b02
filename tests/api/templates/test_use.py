"""POST /api/templates/{id}/use: a new agent with the template's flow and node configs in a
project of the caller's; the template's usage counted once per use when the events are
relayed, popularity following (100 concurrent uses: tests/integration/test_templates_uses.py)."""

from __future__ import annotations

from typing import Any

from tests.api.templates.conftest import flow, new_project, new_template, new_workspace, relay

PATH = "/api/templates"


def _use(caller: Any, template_id: str, project_id: str, **extra: Any) -> Any:
    return caller.call("POST", f"{PATH}/{template_id}/use", {"project_id": project_id, **extra})


def test_use_makes_an_agent_with_the_flow_and_configs(crew):  # type: ignore[no-untyped-def]
    member, project = crew["member"], crew["project"]
    t = new_template(member)
    used = _use(member, t["id"], project["id"], name="My RAG")
    assert used.status_code == 201, used.content
    agent = used.json()
    assert agent["name"] == "My RAG" and agent["project_id"] == project["id"]
    got = member.call("GET", f"/api/agents/{agent['agent_id']}").json()
    assert got["status"] == "draft" and got["tags"] == ["rag", "starter"]
    saved = member.call("GET", f"/api/agents/{agent['agent_id']}/flow").json()
    assert [n["id"] for n in saved["nodes"]] == ["n0", "n1", "n2"]
    assert saved["canvas"] == flow()["canvas"]
    config = member.call("GET", f"/api/flows/{agent['flow_id']}/nodes/n1/config")
    assert config.status_code == 200, config.content
    assert config.json()["config"]["model"] == "gpt-4o-mini"
    assert member.call("GET", f"{PATH}/{t['id']}").json()["usage_count"] == 0  # not yet relayed
    relay()
    after = member.call("GET", f"{PATH}/{t['id']}").json()
    assert after["usage_count"] == 1 and after["popularity"] == 10


def test_use_needs_editor_on_the_project_and_a_valid_body(crew):  # type: ignore[no-untyped-def]
    t = new_template(crew["member"])
    assert _use(crew["viewer"], t["id"], crew["project"]["id"]).status_code == 403
    bad = crew["member"].call("POST", f"{PATH}/{t['id']}/use", {})
    assert bad.status_code == 422
    assert _use(crew["member"], t["id"], crew["project"]["id"], name="").status_code == 422
    assert _use(crew["member"], t["id"], "01JD00000000000000000000AA").status_code == 404


def test_another_organisations_private_template_is_404(crew, outsider):  # type: ignore[no-untyped-def]
    t = new_template(crew["member"])
    project = new_project(outsider, new_workspace(outsider)["id"])
    assert _use(outsider, t["id"], project["id"]).status_code == 404
    # nor can a member use it into the other organisation's project
    assert _use(crew["member"], t["id"], project["id"]).status_code == 404


def test_a_public_template_is_read_and_used_by_another_organisation(crew, outsider):  # type: ignore[no-untyped-def]
    admin = crew["admin"]
    t = new_template(admin, visibility="public", name="Shared RAG")
    got = outsider.call("GET", f"{PATH}/{t['id']}")
    assert got.status_code == 200, got.content
    seen = got.json()
    assert not seen["owned"] and seen["author_id"] is None and seen["org_id"] is None
    raw = got.content.decode()
    for private in (admin.email, admin.user_id, admin.org_id):
        assert private not in raw
    assert len(seen["content"]["nodes"]) == 3
    listed = outsider.call("GET", f"{PATH}?visibility=public").json()["items"]
    assert [x["id"] for x in listed] == [t["id"]]
    assert admin.org_id not in str(listed) and admin.user_id not in str(listed)
    project = new_project(outsider, new_workspace(outsider)["id"])
    used = _use(outsider, t["id"], project["id"])
    assert used.status_code == 201, used.content
    agent = outsider.call("GET", f"/api/agents/{used.json()['agent_id']}").json()
    assert agent["project_id"] == project["id"]
    # the agent is the outsider's organisation's: the template's organisation cannot see it
    assert admin.call("GET", f"/api/agents/{agent['id']}").status_code == 404
    # but the outsider may not edit or delete it
    assert outsider.call("PUT", f"{PATH}/{t['id']}", {"name": "Mine"}).status_code == 403
    assert outsider.call("DELETE", f"{PATH}/{t['id']}").status_code == 403
    relay()
    assert admin.call("GET", f"{PATH}/{t['id']}").json()["usage_count"] == 1


def test_an_idempotency_key_makes_one_template_and_one_agent(crew):  # type: ignore[no-untyped-def]
    from tests.api.templates.conftest import body

    member, project = crew["member"], crew["project"]
    key = {"Idempotency-Key": "tpl-create-1"}
    first = member.call("POST", PATH, body(), **key)
    again = member.call("POST", PATH, body(), **key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    t = first.json()
    use = {"Idempotency-Key": "tpl-use-1"}
    used = member.call("POST", f"{PATH}/{t['id']}/use", {"project_id": project["id"]}, **use)
    replay = member.call("POST", f"{PATH}/{t['id']}/use", {"project_id": project["id"]}, **use)
    assert used.status_code == replay.status_code == 201
    assert replay.json()["agent_id"] == used.json()["agent_id"]
    agents = member.call("GET", f"/api/projects/{project['id']}/agents").json()["items"]
    assert len(agents) == 1
    relay()
    assert member.call("GET", f"{PATH}/{t['id']}").json()["usage_count"] == 1
