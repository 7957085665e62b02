"""Agents, flows, custom node types and node configs behave alike in memory and in DynamoDB."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domains.agents.model import Agent, CustomNodeType, Flow, NodeConfig
from domains.agents.ports import AgentsUnitOfWork
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

Uow = Callable[[], AgentsUnitOfWork]
T0 = datetime(2026, 11, 1, tzinfo=UTC)
ORG, PROJECT = new_id(), new_id()


def _agent(minutes: int, **extra: object) -> Agent:
    at = T0 + timedelta(minutes=minutes)
    base = Agent(
        ORG, new_id(), PROJECT, f"a{minutes}", "ada", at, at, new_id(), tags=frozenset({"x"})
    )
    return replace(base, **extra)  # type: ignore[arg-type]


def _commit(uow: Uow, write: Callable[[AgentsUnitOfWork], None]) -> None:
    with uow() as u:
        write(u)
        u.commit()


def test_agents_round_trip_and_list_newest_first(agents: Uow) -> None:
    old, new = _agent(1), _agent(2, status="active", created_by="bob")
    for a in (old, new):
        _commit(agents, lambda u, a=a: u.agents.add(a))
    with agents() as u:
        assert u.agents.get(ORG, old.id) == replace(old, version=1)
        assert u.agents.get(new_id(), old.id) is None
        first = u.agents.list_project(ORG, PROJECT, PageRequest(1))
        rest = u.agents.list_project(ORG, PROJECT, PageRequest(5, first.next_cursor))
        assert [a.id for a in first.items + rest.items] == [new.id, old.id]
        assert [a.id for a in u.agents.list_status(ORG, "active", PageRequest(5)).items] == [new.id]
        assert [a.id for a in u.agents.list_owner(ORG, "ada", PageRequest(5)).items] == [old.id]


def test_agent_writes_are_versioned(agents: Uow) -> None:
    agent = _agent(1)
    _commit(agents, lambda u: u.agents.add(agent))
    with pytest.raises(Conflict):
        _commit(agents, lambda u: u.agents.add(agent))
    _commit(agents, lambda u: u.agents.save(replace(agent, version=1, status="paused")))
    with pytest.raises(PreconditionFailed):
        _commit(agents, lambda u: u.agents.save(replace(agent, version=1)))
    with agents() as u:
        assert u.agents.list_status(ORG, "draft", PageRequest(5)).items == []
    with pytest.raises(PreconditionFailed):
        _commit(agents, lambda u: u.agents.remove(replace(agent, version=1)))
    _commit(agents, lambda u: u.agents.remove(replace(agent, version=2)))
    with agents() as u:
        assert u.agents.get(ORG, agent.id) is None


def test_flows_round_trip_whole(agents: Uow) -> None:
    flow = Flow(ORG, new_id(), new_id(), T0, "ada")
    _commit(agents, lambda u: u.flows.add(flow))
    nodes = [{"id": "n", "type": "code", "position": {"x": 0.1, "y": 2}}]
    changed = replace(flow, version=1, nodes=nodes, canvas={"viewport": {"zoom": 1.5}})
    _commit(agents, lambda u: u.flows.save(changed))
    with agents() as u:
        assert u.flows.get(ORG, flow.id) == replace(changed, version=2)
    with pytest.raises(PreconditionFailed):
        _commit(agents, lambda u: u.flows.save(changed))


def test_custom_types_and_node_configs(agents: Uow) -> None:
    shout = CustomNodeType(ORG, "shout", {"label": "Shout", "defaults": {"v": 0.5}}, "ada", T0)
    _commit(agents, lambda u: u.node_types.add(shout))
    with pytest.raises(Conflict):
        _commit(agents, lambda u: u.node_types.add(shout))
    config = NodeConfig(ORG, new_id(), "n1", "shout", {"v": 0.25}, T0, "ada")
    _commit(agents, lambda u: u.node_configs.put(config))
    with pytest.raises(PreconditionFailed):
        _commit(agents, lambda u: u.node_configs.put(config))
    _commit(agents, lambda u: u.node_configs.put(replace(config, version=1, config={"v": 1})))
    with agents() as u:
        assert u.node_types.list_custom(ORG) == [replace(shout, version=1)]
        assert u.node_types.list_custom(new_id()) == []
        got = u.node_configs.get(ORG, config.flow_id, "n1")
        assert got == replace(config, version=2, config={"v": 1})


def test_purging_a_flow_deletes_its_node_configs_only(agents: Uow) -> None:
    flow, other = new_id(), new_id()
    configs = [NodeConfig(ORG, flow, f"n{i}", "code", {}, T0, "ada") for i in range(30)]
    kept = NodeConfig(ORG, other, "n0", "code", {}, T0, "ada")
    for c in [*configs, kept]:
        _commit(agents, lambda u, c=c: u.node_configs.put(c))
    with agents() as u:
        u.node_configs.purge_flow(ORG, flow)
        assert all(u.node_configs.get(ORG, flow, c.node_id) is None for c in configs)
        assert u.node_configs.get(ORG, other, "n0") == replace(kept, version=1)
