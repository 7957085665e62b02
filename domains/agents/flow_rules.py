"""What makes a flow valid, checked whole so every problem is reported with its node or edge
id: duplicate ids, unknown node types, dangling edges, unknown or incompatible ports, cycles
with no node type that allows them (a loop), and a missing input (start) or output."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domains.agents.catalogue import ports_compatible

Problem = dict[str, Any]


def _problem(loc: list[str], msg: str) -> Problem:
    return {"loc": loc, "msg": msg}


def _port(spec: Mapping[str, Any], side: str, handle: str | None) -> dict[str, str] | None:
    """The named port of a side ("inputs"/"outputs"); no handle means the first one."""
    ports: list[dict[str, str]] = spec[side]
    if handle is None:
        return ports[0] if ports else None
    return next((p for p in ports if p["name"] == handle), None)


def _check_nodes(nodes: Sequence[Mapping[str, Any]], types: Mapping[str, Any]) -> list[Problem]:
    problems, seen = [], set()
    for node in nodes:
        if node["id"] in seen:
            problems.append(_problem(["nodes", node["id"]], "duplicate node id"))
        seen.add(node["id"])
        if node["type"] not in types:
            msg = f"unknown node type {node['type']!r}"
            problems.append(_problem(["nodes", node["id"], "type"], msg))
    return problems


def _check_edge(
    edge: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]], types: Mapping[str, Any]
) -> list[Problem]:
    loc = ["edges", edge["id"]]
    ends = {"source": by_id.get(edge["source"]), "target": by_id.get(edge["target"])}
    problems = [
        _problem([*loc, end], f"no node {edge[end]!r}") for end, node in ends.items() if not node
    ]
    source, target = ends["source"], ends["target"]
    if problems or source is None or target is None:
        return problems
    if source["type"] not in types or target["type"] not in types:
        return problems  # reported on the node
    out = _port(types[source["type"]], "outputs", edge.get("source_handle"))
    into = _port(types[target["type"]], "inputs", edge.get("target_handle"))
    if out is None:
        problems.append(_problem([*loc, "source_handle"], f"{source['type']} has no such output"))
    if into is None:
        problems.append(_problem([*loc, "target_handle"], f"{target['type']} has no such input"))
    if out is not None and into is not None and not ports_compatible(out["type"], into["type"]):
        msg = (
            f"incompatible ports: {out['name']} ({out['type']}) -> {into['name']} ({into['type']})"
        )
        problems.append(_problem([*loc, "target_handle"], msg))
    return problems


def _cycles(nodes: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected components that hold a cycle (Tarjan's, iterative: flows have
    thousands of nodes and Python's recursion limit is 1000)."""
    graph: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        graph[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(graph[node]):
                work.append((node, i + 1))
                nxt = graph[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def check_flow(
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    types: Mapping[str, Mapping[str, Any]],
) -> list[Problem]:
    """Every problem of the flow; an empty list when it is valid."""
    problems = _check_nodes(nodes, types)
    by_id = {n["id"]: n for n in nodes}
    seen: set[str] = set()
    linked = []
    for edge in edges:
        if edge["id"] in seen:
            problems.append(_problem(["edges", edge["id"]], "duplicate edge id"))
        seen.add(edge["id"])
        edge_problems = _check_edge(edge, by_id, types)
        problems += edge_problems
        if edge["source"] in by_id and edge["target"] in by_id:
            linked.append((edge["source"], edge["target"]))
    for cycle in _cycles(list(by_id), linked):
        if not any(types.get(by_id[n]["type"], {}).get("allows_cycles") for n in cycle):
            msg = f"a cycle through {', '.join(cycle)} needs a loop node"
            problems.append(_problem(["nodes", cycle[0]], msg))
    kinds = {n["type"] for n in nodes}
    for needed, what in (("input", "an input (start) node"), ("output", "an output node")):
        if needed not in kinds:
            problems.append(_problem(["nodes"], f"the flow needs {what}"))
    return problems
