"""The agent runs page of the admin (read only): one agent's runs newest first, chosen by
organisation and agent; staff only; no form, no add, no delete."""

from __future__ import annotations

from django.test import Client

from domains.shared.ids import new_id
from tests.api.runs.conftest import agent, crew, outsider, run_body, runs_path, team, when

__all__ = ["agent", "crew", "outsider", "team"]
RUNS = "/admin/agents/runs/"


def test_staff_list_an_agent_s_runs_newest_first(admin_client: Client, crew, agent) -> None:  # type: ignore[no-untyped-def]
    member, org = crew["member"], crew["owner"].org_id
    made = []
    for hours in (3, 2, 1):
        created = member.call(
            "POST", runs_path(agent["id"]), run_body(started_at=when(hours=hours))
        )
        assert created.status_code == 201, created.content
        made.append(created.json()["id"])
    page = admin_client.get(f"{RUNS}?org={org}&agent={agent['id']}")
    assert page.status_code == 200
    body = page.content.decode()
    positions = [body.index(run_id) for run_id in reversed(made)]
    assert positions == sorted(positions)  # newest first
    assert "gpt-4o-mini" in body and "0.0042" in body
    assert f"{RUNS}add/" not in body and f'href="{RUNS}{org}:' not in body  # read only

    paged = admin_client.get(f"{RUNS}?org={org}&agent={agent['id']}&limit=2")
    assert paged.status_code == 200 and 'id="next-page"' in paged.content.decode()
    unchosen = admin_client.get(RUNS).content.decode()
    assert "choose an organisation and an agent" in unchosen
    assert admin_client.get(f"{RUNS}{org}:{agent['id']}:{made[0]}/").status_code == 404
    other = admin_client.get(f"{RUNS}?org={org}&agent={new_id()}").content.decode()
    assert made[0] not in other


def test_the_runs_page_is_for_staff_only(stack, signup) -> None:  # type: ignore[no-untyped-def]
    signup("ada")
    browser = Client()
    response = browser.get(RUNS)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
