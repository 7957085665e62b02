"""Agent versions over the API: publish (201, Idempotency-Key, 422 listing every problem,
prompt pins resolved), list (cursor pages), read, restore (If-Match on the flow, 412), diff;
viewers read, editors write, other organisations get 404."""

from __future__ import annotations

from typing import Any

from domains.shared.ids import new_id
from tests.api.agents.conftest import new_agent

NODES = [
    {"id": "in", "type": "input", "position": {"x": 0, "y": 0}},
    {"id": "p", "type": "prompt", "position": {"x": 1, "y": 0}},
    {"id": "llm", "type": "llm_call", "position": {"x": 2, "y": 0}},
    {"id": "out", "type": "output", "position": {"x": 3, "y": 0}},
]
EDGES = [
    {"id": "e1", "source": "in", "target": "p"},
    {"id": "e2", "source": "p", "target": "llm"},
    {"id": "e3", "source": "llm", "target": "out"},
]


def _agent_with_flow(caller: Any, project_id: str, nodes: list[Any] = NODES) -> dict[str, Any]:
    agent = new_agent(caller, project_id)
    saved = caller.call(
        "PUT", f"/api/agents/{agent['id']}/flow", {"nodes": nodes, "edges": EDGES, "canvas": {}}
    )
    assert saved.status_code == 200, saved.content
    return agent  # type: ignore[no-any-return]


def _config(caller: Any, agent: dict[str, Any], node: str, **config: Any) -> None:
    put = caller.call(
        "PUT", f"/api/flows/{agent['flow_id']}/nodes/{node}/config", {"config": config}
    )
    assert put.status_code == 200, put.content


def _publish(caller: Any, agent: dict[str, Any], note: str = "", **headers: str) -> Any:
    return caller.call("POST", f"/api/agents/{agent['id']}/versions", {"note": note}, **headers)


def _prompt(caller: Any) -> dict[str, Any]:
    body = {"name": "Greet", "template": "Hi {{name}}", "variables": [{"name": "name"}]}
    created = caller.call("POST", "/api/prompts", body)
    assert created.status_code == 201, created.content
    return created.json()  # type: ignore[no-any-return]


def test_publish_list_read(crew):  # type: ignore[no-untyped-def]
    editor, viewer = crew["member"], crew["viewer"]
    agent = _agent_with_flow(editor, crew["project"]["id"])
    _config(editor, agent, "llm", model="gpt-4o", temperature=0.1)
    first = _publish(editor, agent, "first", **{"Idempotency-Key": "pub-1"})
    assert first.status_code == 201, first.content
    assert first.json() | {"created_at": None} == {
        "agent_id": agent["id"],
        "number": 1,
        "note": "first",
        "created_by": editor.user_id,
        "created_at": None,
        "node_count": 4,
        "edge_count": 3,
    }
    replay = _publish(editor, agent, "first", **{"Idempotency-Key": "pub-1"})
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["number"] == 1
    for n in range(2, 4):
        assert _publish(editor, agent).json()["number"] == n
    base = f"/api/agents/{agent['id']}/versions"
    page = viewer.call("GET", f"{base}?limit=2").json()
    assert [v["number"] for v in page["items"]] == [3, 2] and page["next_cursor"]
    rest = viewer.call("GET", f"{base}?limit=2&cursor={page['next_cursor']}").json()
    assert [v["number"] for v in rest["items"]] == [1] and rest["next_cursor"] is None
    got = viewer.call("GET", f"{base}/1")
    assert got.status_code == 200
    body = got.json()
    assert body["nodes"] == editor.call("GET", f"/api/agents/{agent['id']}/flow").json()["nodes"]
    assert body["configs"]["llm"] == {
        "type": "llm_call",
        "config": {"model": "gpt-4o", "temperature": 0.1, "max_tokens": 1024, "system_prompt": ""},
    }
    assert editor.call("GET", f"/api/agents/{agent['id']}").json()["published_version"] == 3


def test_publish_422_lists_every_problem(crew):  # type: ignore[no-untyped-def]
    editor = crew["member"]
    empty = new_agent(editor, crew["project"]["id"])
    answer = _publish(editor, empty)
    assert answer.status_code == 422
    assert len(answer.json()["errors"]) == 2  # no input, no output
    agent = _agent_with_flow(editor, crew["project"]["id"], [*NODES, {"id": "t", "type": "tool"}])
    _config(editor, agent, "p", prompt_id=new_id())
    answer = _publish(editor, agent)
    assert answer.status_code == 422
    locs = sorted(e["loc"] for e in answer.json()["errors"])
    assert locs == [["nodes", "p", "config", "prompt_id"], ["nodes", "t", "config", "tool"]]
    too_long = _publish(editor, agent, "x" * 501)
    assert too_long.status_code == 422
    path = f"/api/agents/{agent['id']}/versions"
    assert editor.call("GET", f"{path}?limit=0").status_code == 422
    assert editor.call("GET", path).json()["items"] == []


def test_prompt_pins_resolve_at_publish(crew):  # type: ignore[no-untyped-def]
    editor = crew["member"]
    agent = _agent_with_flow(editor, crew["project"]["id"])
    prompt = _prompt(editor)
    added = editor.call(
        "POST",
        f"/api/prompts/{prompt['id']}/versions",
        {"template": "Hey {{name}}", "variables": [{"name": "name"}]},
    )
    assert added.status_code == 201, added.content
    alias = editor.call("PUT", f"/api/prompts/{prompt['id']}/aliases/production", {"version": 1})
    assert alias.status_code in (200, 201), alias.content
    _config(editor, agent, "p", prompt_id=prompt["id"], prompt_alias="production")
    assert _publish(editor, agent).status_code == 201
    base = f"/api/agents/{agent['id']}/versions"
    assert editor.call("GET", f"{base}/1").json()["configs"]["p"]["config"]["prompt_version"] == 1
    _config(editor, agent, "p", prompt_id=prompt["id"], prompt_alias="staging")
    missing = _publish(editor, agent)
    assert missing.status_code == 422
    assert missing.json()["errors"] == [
        {"loc": ["nodes", "p", "config", "prompt_alias"], "msg": "no prompt alias 'staging'"}
    ]
    _config(editor, agent, "p", prompt_id=prompt["id"], prompt_version=5)
    assert _publish(editor, agent).json()["errors"][0]["loc"][-1] == "prompt_version"


def test_restore_and_diff(crew):  # type: ignore[no-untyped-def]
    editor, viewer = crew["member"], crew["viewer"]
    agent = _agent_with_flow(editor, crew["project"]["id"])
    _config(editor, agent, "llm", model="gpt-4o")
    assert _publish(editor, agent).status_code == 201
    flow_path = f"/api/agents/{agent['id']}/flow"
    nodes = [n for n in NODES if n["id"] != "p"] + [{"id": "p2", "type": "prompt"}]
    edges = [
        {"id": "e1", "source": "in", "target": "p2"},
        {"id": "e2", "source": "p2", "target": "llm"},
        EDGES[2],
    ]
    saved = editor.call("PUT", flow_path, {"nodes": nodes, "edges": edges, "canvas": {"z": 1}})
    assert saved.status_code == 200
    _config(editor, agent, "llm", model="o3", temperature=0.3)
    assert _publish(editor, agent).status_code == 201
    base = f"/api/agents/{agent['id']}/versions"
    diff = viewer.call("GET", f"{base}/1/diff?against=2")
    assert diff.status_code == 200, diff.content
    d = diff.json()
    assert (d["base"], d["against"]) == (1, 2)
    assert (d["nodes"]["added"], d["nodes"]["removed"]) == (["p2"], ["p"])
    assert d["nodes"]["changed"] == [
        {
            "id": "llm",
            "changes": [
                {"path": "config.model", "before": "gpt-4o", "after": "o3"},
                {"path": "config.temperature", "before": 0.7, "after": 0.3},
            ],
        }
    ]
    assert d["edges"]["changed"] == [
        {"id": "e1", "changes": [{"path": "target", "before": "p", "after": "p2"}]},
        {"id": "e2", "changes": [{"path": "source", "before": "p", "after": "p2"}]},
    ]
    assert viewer.call("GET", f"{base}/1/diff").json() == d  # against the newest
    assert viewer.call("GET", f"{base}/1/diff?against=x").status_code == 422
    assert viewer.call("GET", f"{base}/1/diff?against=0").status_code == 422
    assert viewer.call("GET", f"{base}/1/diff?against=9").status_code == 404
    etag = editor.call("GET", flow_path)["ETag"]
    stale = editor.call("POST", f"{base}/1/restore", **{"If-Match": '"1"'})
    assert stale.status_code == 412
    restored = editor.call("POST", f"{base}/1/restore", **{"If-Match": etag})
    assert restored.status_code == 200, restored.content
    assert restored["ETag"] == f'"{int(etag.strip(chr(34))) + 1}"'
    assert [n["id"] for n in restored.json()["nodes"]] == ["in", "p", "llm", "out"]
    config = editor.call("GET", f"/api/flows/{agent['flow_id']}/nodes/llm/config").json()
    assert config["config"]["model"] == "gpt-4o"
    assert editor.call("GET", flow_path).json()["canvas"] == {}


def test_roles_403_and_other_tenants_404(crew, outsider):  # type: ignore[no-untyped-def]
    editor, viewer = crew["member"], crew["viewer"]
    agent = _agent_with_flow(editor, crew["project"]["id"])
    assert _publish(editor, agent).status_code == 201
    base = f"/api/agents/{agent['id']}/versions"
    assert _publish(viewer, agent).status_code == 403
    assert viewer.call("POST", f"{base}/1/restore").status_code == 403
    for path in (base, f"{base}/1", f"{base}/1/diff?against=1"):
        assert viewer.call("GET", path).status_code == 200
        assert outsider.call("GET", path).status_code == 404
    assert outsider.call("POST", base, {"note": ""}).status_code == 404
    assert outsider.call("POST", f"{base}/1/restore").status_code == 404
    assert viewer.call("GET", f"{base}/2").status_code == 404
    assert viewer.call("GET", f"{base}/0").status_code == 404
    assert viewer.call("GET", f"{base}/latest").status_code == 404
    assert editor.call("POST", f"{base}/2/restore").status_code == 404
    assert viewer.call("GET", f"/api/agents/{new_id()}/versions").status_code == 404


def test_deleting_the_agent_purges_its_versions(crew):  # type: ignore[no-untyped-def]
    editor, owner = crew["member"], crew["owner"]
    agent = _agent_with_flow(editor, crew["project"]["id"])
    assert _publish(editor, agent).status_code == 201
    assert owner.call("DELETE", f"/api/agents/{agent['id']}").status_code == 204
    from nexus.container import container  # the store, after the API answered

    with container().agents.uow()() as uow:
        assert uow.versions.get(owner.org_id, agent["id"], 1) is None
