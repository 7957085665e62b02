"""/api/agents/{agentId}/runs: log a run (editor, or an API key with agent:execute), list an
agent's runs (filters, cursor pages), read one with its steps; 422, 403, 404 across tenants,
Idempotency-Key replays (the HTTP layer's and the table's), large inputs offloaded."""

from __future__ import annotations

from typing import Any

from domains.shared.ids import new_id
from nexus.container import container

from .conftest import run_body, runs_path, when


def _log(caller: Any, agent_id: str, **extra: Any) -> Any:
    created = caller.call("POST", runs_path(agent_id), run_body(**extra))
    assert created.status_code == 201, created.content
    return created.json()


def test_an_editor_logs_a_run_and_viewers_read_it(crew, agent):  # type: ignore[no-untyped-def]
    member, viewer = crew["member"], crew["viewer"]
    created = member.call("POST", runs_path(agent["id"]), run_body())
    assert created.status_code == 201, created.content
    run = created.json()
    assert run["agent_id"] == agent["id"] and run["project_id"] == crew["project"]["id"]
    assert run["user_id"] == member.user_id and run["status"] == "succeeded"
    assert (run["version"], run["model"], run["tokens_in"], run["tokens_out"]) == (
        3,
        "gpt-4o-mini",
        1200,
        350,
    )
    assert run["cost"] == "0.0042" and run["duration_ms"] == 1840 and run["finished_at"]
    assert [s["cost"] for s in run["steps"]] == ["0.003", None]
    assert run["inputs"] == {"question": "why?", "temperature": 0.1}

    got = viewer.call("GET", f"{runs_path(agent['id'])}/{run['id']}")
    assert got.status_code == 200 and got.json() == run
    listed = viewer.call("GET", runs_path(agent["id"])).json()
    assert listed["next_cursor"] is None
    [summary] = listed["items"]
    assert summary["id"] == run["id"] and "steps" not in summary and "inputs" not in summary
    assert summary["cost"] == "0.0042"


def test_bad_runs_are_422_per_field(crew, agent):  # type: ignore[no-untyped-def]
    member, path = crew["member"], runs_path(agent["id"])
    cases = [
        ({"status": "exploded"}, ["body", "body", "status"]),
        ({"tokens_in": -1}, ["body", "body", "tokens_in"]),
        ({"cost": "-0.1"}, ["body", "body", "cost"]),
        ({"duration_ms": None}, ["finished_at"]),  # finished, with no end
        ({"finished_at": when(hours=1)}, ["finished_at"]),  # before it started
        ({"started_at": when(days=-1)}, ["started_at"]),  # tomorrow
        ({"started_at": when(days=181)}, ["started_at"]),  # past the retention
        ({"error": {"type": "Boom"}}, ["error"]),  # a succeeded run has none
        ({"steps": [{"node_id": "n1", "status": "nope"}]}, ["body", "body", "steps", 0, "status"]),
    ]
    for change, loc in cases:
        response = member.call("POST", path, run_body(**change))
        assert response.status_code == 422, (change, response.content)
        assert loc in [e["loc"] for e in response.json()["errors"]], (change, response.json())
    assert member.call("GET", path).json()["items"] == []
    bad = member.call("GET", path + f"?from={when(minutes=1)}&to={when(hours=1)}")
    assert bad.status_code == 422
    assert member.call("GET", path + "?status=nope").status_code == 422


def test_viewers_and_org_viewers_cannot_log(crew, agent):  # type: ignore[no-untyped-def]
    path = runs_path(agent["id"])
    assert crew["viewer"].call("POST", path, run_body()).status_code == 403
    assert crew["owner"].call("POST", path, run_body()).status_code == 201  # org owner: admin


def test_other_tenants_and_hidden_agents_are_404(crew, agent, outsider):  # type: ignore[no-untyped-def]
    run = _log(crew["member"], agent["id"])
    one = f"{runs_path(agent['id'])}/{run['id']}"
    for headers in ({}, {"X-Organization-Id": crew["owner"].org_id}):
        assert outsider.call("GET", runs_path(agent["id"]), **headers).status_code == 404
        assert outsider.call("GET", one, **headers).status_code == 404
        assert outsider.call("POST", runs_path(agent["id"]), run_body(), **headers).status_code == (
            404
        )
    member = crew["member"]
    assert member.call("GET", f"{runs_path(agent['id'])}/{new_id()}").status_code == 404
    assert member.call("GET", f"{runs_path(agent['id'])}/not-a-run").status_code == 404
    assert member.call("GET", runs_path(new_id())).status_code == 404
    assert crew["admin"].call("GET", one).status_code == 200  # org admins see every project


def test_a_retry_with_the_same_key_replays_the_first_run(crew, agent):  # type: ignore[no-untyped-def]
    member, path, key = crew["member"], runs_path(agent["id"]), new_id()
    body = run_body()
    first = member.call("POST", path, body, **{"Idempotency-Key": key})
    again = member.call("POST", path, body, **{"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = member.call("POST", path, run_body(tokens_in=1), **{"Idempotency-Key": key})
    assert other.status_code == 422
    assert [r["id"] for r in member.call("GET", path).json()["items"]] == [first.json()["id"]]


def test_the_table_replays_a_key_the_http_layer_forgot(crew, agent):  # type: ignore[no-untyped-def]
    """The HTTP record lives 24 hours; the run's own IDEM# item as long as the run."""
    member, path, key = crew["member"], runs_path(agent["id"]), new_id()
    body = run_body()
    first = member.call("POST", path, body, **{"Idempotency-Key": key})
    scope = f"{member.user_id} POST {path} {member.headers['X-Organization-Id']}"
    assert _http_record(scope, key)
    container().idempotency().release(scope, key)  # as if its 24 hours had passed
    assert not _http_record(scope, key)
    again = member.call("POST", path, body, **{"Idempotency-Key": key})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    container().idempotency().release(scope, key)
    changed = member.call("POST", path, run_body(tokens_out=1), **{"Idempotency-Key": key})
    assert changed.status_code == 422
    assert len(member.call("GET", path).json()["items"]) == 1


def _http_record(scope: str, key: str) -> bool:
    from adapters.dynamodb.codec import encode_item
    from adapters.dynamodb.idempotency import idempotency_key

    found = (
        container()
        .gateways.dynamo()
        .get_item("system-logs", Key=encode_item(idempotency_key(scope, key)), ConsistentRead=True)
    )
    return "Item" in found


def _mint(owner: Any, *permissions: str) -> str:
    created = owner.call(
        "POST",
        f"/api/organizations/{owner.org_id}/api-keys",
        {"name": "runtime", "permissions": list(permissions)},
    )
    assert created.status_code == 201, created.content
    return str(created.json()["key"])


def test_an_api_key_with_agent_execute_logs_runs(crew, agent):  # type: ignore[no-untyped-def]
    owner, http, path = crew["owner"], crew["owner"].http, runs_path(agent["id"])
    key = _mint(owner, "agent:execute", "agent:read", "project:read")
    created = http.post(path, run_body(), content_type="application/json", HTTP_X_API_KEY=key)
    assert created.status_code == 201, created.content
    assert created.json()["user_id"] == owner.user_id  # a key acts for its creator
    listed = http.get(path, HTTP_X_API_KEY=key)
    assert [r["id"] for r in listed.json()["items"]] == [created.json()["id"]]
    reader = _mint(owner, "agent:read", "project:read")
    refused = http.post(path, run_body(), content_type="application/json", HTTP_X_API_KEY=reader)
    assert refused.status_code == 403
    # the key reaches the agent through its project: without project:read it sees neither
    blind = _mint(owner, "agent:execute")
    hidden = http.post(path, run_body(), content_type="application/json", HTTP_X_API_KEY=blind)
    assert hidden.status_code == 404


def test_lists_filter_and_page_newest_first(crew, agent):  # type: ignore[no-untyped-def]
    member, owner, path = crew["member"], crew["owner"], runs_path(agent["id"])
    made = [
        _log(member, agent["id"], started_at=when(hours=5)),
        _log(owner, agent["id"], started_at=when(hours=4), version=2),
        _log(member, agent["id"], started_at=when(hours=3), status="failed"),
        _log(owner, agent["id"], started_at=when(hours=2), status="failed", version=2),
    ]
    ids = [r["id"] for r in reversed(made)]

    def listed(query: str = "", limit: int = 25) -> list[str]:
        found, cursor = [], None
        while True:
            url = f"{path}?limit={limit}{query}" + (f"&cursor={cursor}" if cursor else "")
            page = member.call("GET", url).json()
            found += [r["id"] for r in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                return found

    assert listed(limit=1) == ids
    assert listed("&status=failed") == [ids[0], ids[1]]
    assert listed("&version=2") == [ids[0], ids[2]]
    assert listed(f"&user={owner.user_id}&status=failed") == [ids[0]]
    window = f"&from={when(hours=4, minutes=30)}&to={when(hours=2, minutes=30)}"
    assert listed(window.replace("+", "%2B")) == [ids[1], ids[2]]


def test_large_inputs_go_to_s3_and_come_back(crew, agent):  # type: ignore[no-untyped-def]
    member, path = crew["member"], runs_path(agent["id"])
    big = {"document": "x" * 500_000, "pi": 3.14159}
    run = _log(member, agent["id"], inputs=big, steps=[{"node_id": "n", "status": "succeeded"}])
    assert member.call("GET", f"{path}/{run['id']}").json()["inputs"] == big
    raw = (
        container()
        .gateways.dynamo()
        .query(
            "agent-execution-history",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": f"ORG#{member.org_id}#AGENT#{agent['id']}"}},
        )["Items"]
    )
    assert [set(i["inputs"]["M"]) for i in raw] == [{"__s3__", "sha256"}]
