"""Agent versions behave alike in memory and in DynamoDB: immutable numbers, newest first,
JSON content round-tripped exactly, purged with their agent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from domains.agents.model import NodeConfig
from domains.agents.ports import AgentsUnitOfWork
from domains.agents.versions import AgentVersion
from domains.shared.errors import Conflict
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

Uow = Callable[[], AgentsUnitOfWork]
T0 = datetime(2026, 11, 1, tzinfo=UTC)
ORG, OTHER_ORG = new_id(), new_id()


def _version(agent_id: str, number: int, org: str = ORG, note: str = "") -> AgentVersion:
    nodes = [
        {"id": "in", "type": "input", "position": {"x": 0.5, "y": 1}},
        {"id": f"n{number}", "type": "llm_call", "data": {"label": "call"}},
    ]
    return AgentVersion(
        org,
        agent_id,
        number,
        nodes,
        [{"id": "e1", "source": "in", "target": f"n{number}", "source_handle": None}],
        {"viewport": {"x": 0, "y": 0, "zoom": 1.25}},
        {f"n{number}": {"type": "llm_call", "config": {"model": "m", "temperature": 0.2}}},
        "ada",
        T0 + timedelta(minutes=number),
        note,
    )


def _add(agents: Uow, *versions: AgentVersion) -> None:
    with agents() as u:
        for v in versions:
            u.versions.add(v)
        u.commit()


def test_a_version_round_trips_exactly(agents: Uow) -> None:
    agent = new_id()
    v1 = _version(agent, 1, note="first")
    _add(agents, v1)
    with agents() as u:
        assert u.versions.get(ORG, agent, 1) == v1
        assert u.versions.get(ORG, agent, 2) is None
        assert u.versions.get(ORG, agent, 0) is None
        assert u.versions.get(OTHER_ORG, agent, 1) is None


def test_a_number_is_taken_once(agents: Uow) -> None:
    agent = new_id()
    _add(agents, _version(agent, 1, note="first"))
    with pytest.raises(Conflict):
        _add(agents, _version(agent, 1, note="second"))
    with agents() as u:
        stored = u.versions.get(ORG, agent, 1)
    assert stored is not None and stored.note == "first"


def test_versions_list_newest_first_in_pages(agents: Uow) -> None:
    agent, other = new_id(), new_id()
    _add(agents, *(_version(agent, n) for n in range(1, 13)))  # 8 and 10 sort as numbers
    _add(agents, _version(other, 1), _version(agent, 1, org=OTHER_ORG))
    seen, cursor = [], None
    with agents() as u:
        while True:
            page = u.versions.list(ORG, agent, PageRequest(5, cursor))
            seen += [v.number for v in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        first = u.versions.list(ORG, agent, PageRequest(5)).items[0]
    assert seen == list(range(12, 0, -1))
    assert first == _version(agent, 12).summary()
    assert (first.node_count, first.edge_count) == (2, 1)


def test_purging_an_agent_deletes_its_versions_only(agents: Uow) -> None:
    agent, other = new_id(), new_id()
    _add(agents, *(_version(agent, n) for n in range(1, 31)))  # more than one chunk
    _add(agents, _version(other, 1))
    with agents() as u:
        u.versions.purge_agent(ORG, agent)
        u.versions.purge_agent(ORG, agent)  # rerunnable
        assert u.versions.list(ORG, agent, PageRequest(5)).items == []
        assert u.versions.get(ORG, agent, 30) is None
        assert u.versions.get(ORG, other, 1) == _version(other, 1)


def _config(flow: str, node: str, **config: object) -> NodeConfig:
    return NodeConfig(ORG, flow, node, "llm_call", dict(config), T0, "ada")


def test_a_flows_configs_are_listed_and_replaced_whole(agents: Uow) -> None:
    flow, other = new_id(), new_id()
    with agents() as u:
        for node in ("a", "b", "c"):
            u.node_configs.put(_config(flow, node, model=node))
        u.node_configs.put(_config(other, "a", model="x"))
        u.commit()
    with agents() as u:
        assert [(c.node_id, c.version) for c in u.node_configs.list_flow(ORG, flow)] == [
            ("a", 1),
            ("b", 1),
            ("c", 1),
        ]
        kept = [_config(flow, "a", model="a"), _config(flow, "b", model="B", temperature=0.5)]
        news = [_config(flow, f"n{i:02d}", model="new") for i in range(30)]  # two chunks
        u.node_configs.replace_flow(ORG, flow, [*kept, *news])
        u.node_configs.replace_flow(ORG, flow, [*kept, *news])  # rerunnable: nothing moves
        listed = {c.node_id: c for c in u.node_configs.list_flow(ORG, flow)}
        assert sorted(listed) == sorted(["a", "b", *(f"n{i:02d}" for i in range(30))])
        assert listed["a"].version == 1  # unchanged: not written
        assert (listed["b"].version, listed["b"].config) == (2, {"model": "B", "temperature": 0.5})
        assert listed["n07"].version == 1
        assert u.node_configs.get(ORG, flow, "c") is None
        assert [c.node_id for c in u.node_configs.list_flow(ORG, other)] == ["a"]
