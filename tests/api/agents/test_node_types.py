"""Node types: the catalogue, custom types, validating a config, and a node's config."""

from __future__ import annotations

from typing import Any

from tests.api.agents.conftest import new_agent

BUILTINS = {
    "llm_call", "prompt", "tool", "condition", "loop", "input",
    "output", "retriever", "code", "http_request", "memory",
}  # fmt: skip
CUSTOM = {
    "type": "sentiment",
    "label": "Sentiment",
    "category": "ai",
    "inputs": [{"name": "text", "type": "text"}],
    "outputs": [{"name": "score", "type": "number"}],
    "config_schema": {
        "type": "object",
        "properties": {
            "threshold": {"type": "number", "minimum": 0, "maximum": 1},
            "language": {"type": "string"},
        },
        "required": ["language"],
    },
    "defaults": {"threshold": 0.5},
}


def test_the_catalogue_lists_built_in_types_with_schemas_and_ui(crew):  # type: ignore[no-untyped-def]
    listed = crew["viewer"].call("GET", "/api/nodes/types")
    assert listed.status_code == 200
    types = {t["type"]: t for t in listed.json()["items"]}
    assert set(types) >= BUILTINS and all(t["builtin"] for t in types.values())
    llm = types["llm_call"]
    assert llm["config_schema"]["properties"]["temperature"]["maximum"] == 2
    assert llm["defaults"]["model"] and llm["icon"] and llm["category"] == "ai"
    assert llm["inputs"][0] == {"name": "prompt", "type": "text", "label": "Prompt"}
    assert types["loop"]["allows_cycles"] and not llm["allows_cycles"]


def test_admins_add_custom_types_the_organisation_then_sees(crew, outsider):  # type: ignore[no-untyped-def]
    admin, member = crew["admin"], crew["member"]
    assert member.call("POST", "/api/nodes/types", CUSTOM).status_code == 403
    created = admin.call("POST", "/api/nodes/types", CUSTOM)
    assert created.status_code == 201, created.content
    assert created.json()["builtin"] is False and created.json()["defaults"] == {"threshold": 0.5}
    assert admin.call("POST", "/api/nodes/types", CUSTOM).status_code == 409
    assert admin.call("POST", "/api/nodes/types", {**CUSTOM, "type": "llm_call"}).status_code == 409
    types = {t["type"] for t in member.call("GET", "/api/nodes/types").json()["items"]}
    assert "sentiment" in types
    theirs = {t["type"] for t in outsider.call("GET", "/api/nodes/types").json()["items"]}
    assert "sentiment" not in theirs and theirs >= BUILTINS


def test_custom_types_with_bad_schemas_or_defaults_are_422(crew):  # type: ignore[no-untyped-def]
    admin = crew["admin"]
    bad_schema = {**CUSTOM, "config_schema": {"type": "object", "properties": {"x": {"type": 5}}}}
    answer = admin.call("POST", "/api/nodes/types", bad_schema)
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"][0] == "config_schema"
    bad_default = {**CUSTOM, "defaults": {"threshold": 7}}
    answer = admin.call("POST", "/api/nodes/types", bad_default)
    assert answer.json()["errors"][0]["loc"] == ["defaults", "threshold"]
    assert admin.call("POST", "/api/nodes/types", {**CUSTOM, "type": "Bad"}).status_code == 422


def test_validate_applies_defaults_or_reports_each_field(crew, outsider):  # type: ignore[no-untyped-def]
    viewer = crew["viewer"]
    ok = viewer.call("POST", "/api/nodes/types/retriever/validate", {"config": {"index": "kb"}})
    assert ok.status_code == 200
    assert ok.json()["config"] == {"index": "kb", "top_k": 4, "min_score": 0}
    bad = {"config": {"top_k": 0, "min_score": "high"}}
    answer = viewer.call("POST", "/api/nodes/types/retriever/validate", bad)
    assert answer.status_code == 422
    locs = sorted(tuple(e["loc"]) for e in answer.json()["errors"])
    assert locs == [("config", "index"), ("config", "min_score"), ("config", "top_k")]
    assert viewer.call("POST", "/api/nodes/types/warp/validate", {"config": {}}).status_code == 404
    crew["admin"].call("POST", "/api/nodes/types", CUSTOM)
    custom = {"config": {"language": "en"}}
    ok = viewer.call("POST", "/api/nodes/types/sentiment/validate", custom)
    assert ok.json()["config"] == {"threshold": 0.5, "language": "en"}
    assert outsider.call("POST", "/api/nodes/types/sentiment/validate", custom).status_code == 404


def _flow_with_retriever(editor: Any, project_id: str) -> str:
    agent = new_agent(editor, project_id)
    nodes = [
        {"id": "in", "type": "input"},
        {"id": "r1", "type": "retriever"},
        {"id": "out", "type": "output"},
    ]
    edges = [
        {"id": "a", "source": "in", "target": "r1"},
        {"id": "b", "source": "r1", "target": "out"},
    ]
    saved = editor.call("PUT", f"/api/agents/{agent['id']}/flow", {"nodes": nodes, "edges": edges})
    assert saved.status_code == 200, saved.content
    return f"/api/flows/{agent['flow_id']}/nodes/r1/config"


def test_a_node_config_read_and_saved_with_defaults_and_versions(crew):  # type: ignore[no-untyped-def]
    editor, viewer = crew["member"], crew["viewer"]
    path = _flow_with_retriever(editor, crew["project"]["id"])
    fresh = viewer.call("GET", path)
    assert fresh.status_code == 200 and fresh["ETag"] == '"0"'
    assert fresh.json()["config"] == {"top_k": 4, "min_score": 0}
    saved = editor.call("PUT", path, {"config": {"index": "kb", "top_k": 8}}, **{"If-Match": '"0"'})
    assert saved.status_code == 200, saved.content
    assert saved.json()["config"] == {"index": "kb", "top_k": 8, "min_score": 0}
    assert saved["ETag"] == '"1"' and viewer.call("GET", path).json()["config"]["top_k"] == 8
    stale = editor.call("PUT", path, {"config": {"index": "kb"}}, **{"If-Match": '"0"'})
    assert stale.status_code == 412


def test_node_config_errors_roles_and_tenants(crew, outsider):  # type: ignore[no-untyped-def]
    editor, viewer = crew["member"], crew["viewer"]
    path = _flow_with_retriever(editor, crew["project"]["id"])
    bad = editor.call("PUT", path, {"config": {"top_k": 1000}})
    assert bad.status_code == 422
    assert sorted(e["loc"] for e in bad.json()["errors"]) == [
        ["config", "index"],
        ["config", "top_k"],
    ]
    assert viewer.call("PUT", path, {"config": {"index": "kb"}}).status_code == 403
    assert outsider.call("GET", path).status_code == 404
    assert outsider.call("PUT", path, {"config": {"index": "kb"}}).status_code == 404
    assert editor.call("GET", path.replace("/r1/", "/ghost/")).status_code == 404
