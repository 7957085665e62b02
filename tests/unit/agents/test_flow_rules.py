"""Flow validation: every problem with its node or edge id; loops allow cycles."""

from __future__ import annotations

from domains.agents.catalogue import BUILTIN_NODE_TYPES
from domains.agents.flow_rules import check_flow


def _edge(eid: str, source: str, target: str, **handles: str) -> dict[str, str]:
    return {"id": eid, "source": source, "target": target, **handles}


def _nodes(*pairs: str) -> list[dict[str, str]]:
    return [{"id": p.split(":")[0], "type": p.split(":")[1]} for p in pairs]


def test_a_valid_chain_has_no_problem() -> None:
    nodes = _nodes("i:input", "p:prompt", "l:llm_call", "o:output")
    edges = [
        _edge("1", "i", "p"),
        _edge("2", "p", "l", target_handle="prompt"),
        _edge("3", "l", "o"),
    ]
    assert check_flow(nodes, edges, BUILTIN_NODE_TYPES) == []


def test_cycles_need_a_loop_node() -> None:
    nodes = _nodes("i:input", "a:code", "b:code", "lp:loop", "c:code", "o:output")
    edges = [
        _edge("1", "a", "b"),
        _edge("2", "b", "a"),
        _edge("3", "lp", "c", source_handle="body"),
        _edge("4", "c", "lp", target_handle="feedback"),
        _edge("5", "i", "o"),
        _edge("6", "o", "o"),  # output has no output port: reported on the edge
    ]
    problems = check_flow(nodes, edges, BUILTIN_NODE_TYPES)
    assert {"loc": ["nodes", "a"], "msg": "a cycle through a, b needs a loop node"} in problems
    assert not any(p["loc"][:2] in (["nodes", "lp"], ["nodes", "c"]) for p in problems)
    assert ["edges", "6", "source_handle"] in [p["loc"] for p in problems]


def test_a_long_chain_does_not_recurse_too_deep() -> None:
    count = 5000
    nodes = _nodes("n0:input", *[f"n{i}:code" for i in range(1, count - 1)], f"n{count - 1}:output")
    edges = [_edge(f"e{i}", f"n{i}", f"n{i + 1}") for i in range(count - 1)]
    edges.append(_edge("back", f"n{count - 2}", "n1"))
    problems = check_flow(nodes, edges, BUILTIN_NODE_TYPES)
    assert len(problems) == 1 and problems[0]["loc"] == ["nodes", "n1"]


def test_duplicates_unknown_types_and_missing_ends() -> None:
    nodes = _nodes("x:code", "x:code", "y:warp")
    edges = [_edge("e", "x", "y"), _edge("e", "x", "x")]
    locs = [p["loc"] for p in check_flow(nodes, edges, BUILTIN_NODE_TYPES)]
    assert ["nodes", "x"] in locs and ["nodes", "y", "type"] in locs and ["edges", "e"] in locs
    assert locs.count(["nodes"]) == 2  # no input, no output
