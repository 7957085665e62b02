"""An agent's flow: read and saved whole with ETag/If-Match, validated on save with every
problem reported by id, and large flows offloaded to S3 and read back equal."""

from __future__ import annotations

from typing import Any

from tests.api.agents.conftest import new_agent


def _flow(n: int = 3) -> dict[str, Any]:
    """input -> llm_call x (n - 2) -> output, in a chain."""
    kinds = ["input", *["llm_call"] * (n - 2), "output"]
    nodes = [
        {"id": f"n{i}", "type": t, "position": {"x": i * 10.5, "y": 0}, "data": {"i": i}}
        for i, t in enumerate(kinds)
    ]
    edges = [
        {"id": f"e{i}", "source": f"n{i}", "target": f"n{i + 1}"} for i in range(len(nodes) - 1)
    ]
    for edge in edges[1:-1]:
        edge["target_handle"] = "prompt"
    if n > 2:
        edges[0]["target_handle"] = "prompt"
    canvas = {"viewport": {"x": 1, "y": 2, "zoom": 0.5}, "groups": [{"id": "g", "nodes": ["n0"]}]}
    return {"nodes": nodes, "edges": edges, "canvas": canvas}


def test_a_new_agent_has_an_empty_flow_saved_whole(crew):  # type: ignore[no-untyped-def]
    editor = crew["member"]
    agent = new_agent(editor, crew["project"]["id"])
    path = f"/api/agents/{agent['id']}/flow"
    empty = editor.call("GET", path)
    assert empty.status_code == 200 and empty["ETag"] == '"1"'
    assert empty.json()["nodes"] == [] and empty.json()["id"] == agent["flow_id"]
    saved = editor.call("PUT", path, _flow(), **{"If-Match": '"1"'})
    assert saved.status_code == 200, saved.content
    assert saved["ETag"] == '"2"'
    got = editor.call("GET", path).json()
    assert got["canvas"] == _flow()["canvas"] and [n["id"] for n in got["nodes"]] == [
        "n0",
        "n1",
        "n2",
    ]
    assert got["nodes"][1]["position"] == {"x": 10.5, "y": 0}
    assert got["updated_by"] == editor.user_id


def test_every_problem_is_reported_with_its_id(crew):  # type: ignore[no-untyped-def]
    editor = crew["member"]
    agent = new_agent(editor, crew["project"]["id"])
    nodes = [
        {"id": "a", "type": "llm_call"},
        {"id": "b", "type": "llm_call"},
        {"id": "c", "type": "teleport"},
        {"id": "r", "type": "retriever"},
        {"id": "l", "type": "loop"},
        {"id": "m", "type": "code"},
    ]
    edges = [
        {"id": "ab", "source": "a", "target": "b", "target_handle": "prompt"},
        {"id": "ba", "source": "b", "target": "a", "target_handle": "prompt"},  # cycle, no loop
        {"id": "lm", "source": "l", "target": "m"},
        {"id": "ml", "source": "m", "target": "l", "target_handle": "feedback"},  # loop: fine
        {"id": "dangling", "source": "a", "target": "ghost"},
        {"id": "bad", "source": "r", "target": "a", "target_handle": "prompt"},  # documents->text
        {"id": "nohandle", "source": "a", "target": "b", "target_handle": "nope"},
    ]
    answer = editor.call("PUT", f"/api/agents/{agent['id']}/flow", {"nodes": nodes, "edges": edges})
    assert answer.status_code == 422
    found = {(tuple(e["loc"]), e["msg"].split(" ")[0]) for e in answer.json()["errors"]}
    assert found == {
        (("nodes", "c", "type"), "unknown"),
        (("edges", "dangling", "target"), "no"),
        (("edges", "bad", "target_handle"), "incompatible"),
        (("edges", "nohandle", "target_handle"), "llm_call"),
        (("nodes", "a"), "a"),
        (("nodes",), "the"),  # no input, no output
    }
    msgs = [e["msg"] for e in answer.json()["errors"]]
    assert "a cycle through a, b needs a loop node" in msgs
    assert (
        "the flow needs an input (start) node" in msgs and "the flow needs an output node" in msgs
    )
    assert editor.call("GET", f"/api/agents/{agent['id']}/flow")["ETag"] == '"1"'  # unchanged


def test_a_2000_node_flow_round_trips_through_s3(crew, stack):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    agent = new_agent(owner, crew["project"]["id"])
    path = f"/api/agents/{agent['id']}/flow"
    big = _flow(2000)
    for node in big["nodes"]:
        node["data"] = {"note": "x" * 100, "i": node["data"]["i"]}
    assert owner.call("PUT", path, big).status_code == 200
    got = owner.call("GET", path).json()
    assert len(got["nodes"]) == 2000 and len(got["edges"]) == 1999
    sent = {n["id"]: n for n in big["nodes"]}
    assert all(n["data"] == sent[n["id"]]["data"] for n in got["nodes"])
    assert got["edges"][5] == {**big["edges"][5], "source_handle": None}
    key = {"pk": {"S": f"ORG#{owner.org_id}#FLOW#{agent['flow_id']}"}, "sk": {"S": "FLOW"}}
    raw = stack.gateways.dynamo().get_item("agent-flows", Key=key)["Item"]
    assert "__s3__" in raw["nodes"]["M"]  # offloaded: the item holds a pointer


def test_re_saving_or_deleting_a_large_flow_leaves_no_orphan_object(crew, stack):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    agent = new_agent(owner, crew["project"]["id"])
    path = f"/api/agents/{agent['id']}/flow"
    store = stack.gateways.object_store()

    def flow_objects() -> list[str]:
        return sorted(store.keys("dynamodb/agent-flows/"))

    def big(note: str) -> dict[str, Any]:
        flow = _flow(2000)
        for node in flow["nodes"]:
            node["data"] = {"note": note * 100}
        return flow

    assert owner.call("PUT", path, big("a")).status_code == 200
    first = flow_objects()
    assert len(first) == 1
    stale = owner.call("PUT", path, big("c"), **{"If-Match": '"1"'})
    assert stale.status_code == 412 and flow_objects() == first  # a lost write removes nothing
    assert owner.call("PUT", path, big("b"), **{"If-Match": '"2"'}).status_code == 200
    second = flow_objects()
    assert len(second) == 1 and second != first  # the replaced object went with its item
    assert owner.call("PUT", path, _flow(3)).status_code == 200  # small again: no object
    assert flow_objects() == []
    assert owner.call("PUT", path, big("d")).status_code == 200
    assert owner.call("DELETE", f"/api/agents/{agent['id']}").status_code == 204
    assert flow_objects() == []


def test_roles_tenants_and_stale_writes(crew, outsider):  # type: ignore[no-untyped-def]
    editor, viewer = crew["member"], crew["viewer"]
    agent = new_agent(editor, crew["project"]["id"])
    path = f"/api/agents/{agent['id']}/flow"
    assert viewer.call("GET", path).status_code == 200
    assert viewer.call("PUT", path, _flow()).status_code == 403
    assert outsider.call("GET", path).status_code == 404
    assert outsider.call("PUT", path, _flow()).status_code == 404
    assert editor.call("PUT", path, _flow(), **{"If-Match": '"1"'}).status_code == 200
    assert editor.call("PUT", path, _flow(), **{"If-Match": '"1"'}).status_code == 412
    assert editor.call("PUT", path, {"nodes": [{"id": "x"}]}).status_code == 422


def test_a_200_node_flow_costs_one_transaction_to_save_and_one_get_to_load(crew, stack):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    agent = new_agent(owner, crew["project"]["id"])
    path, recorder = f"/api/agents/{agent['id']}/flow", stack.gateways.recorder()
    with recorder.capture() as saving:
        assert owner.call("PUT", path, _flow(200)).status_code == 200
    with recorder.capture() as loading:
        assert owner.call("GET", path).status_code == 200
    flows = [(c.operation, c.index) for c in saving if "agent-flows" in c.table]
    assert [op for op, _ in flows].count("TransactWriteItems") == 1
    assert [(c.operation, c.index) for c in loading if c.table == "agent-flows"] == [
        ("GetItem", None)
    ]
    summary = {
        "save": (
            len(saving),
            sum(c.read_units for c in saving),
            sum(c.write_units for c in saving),
        ),
        "load": (
            len(loading),
            sum(c.read_units for c in loading),
            sum(c.write_units for c in loading),
        ),
    }
    print("200-node flow: calls, read units, write units", summary)
