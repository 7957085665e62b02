"""Saving a flow on fakes: whole, versioned, validated, evented."""

from __future__ import annotations

import pytest

from domains.shared.errors import Forbidden, PreconditionFailed, ValidationFailed
from tests.unit.agents.world import PROJECT, World

NODES = [{"id": "i", "type": "input"}, {"id": "o", "type": "output"}]
EDGES = [{"id": "e", "source": "i", "target": "o"}]


def test_save_replaces_the_flow_and_bumps_its_version(world: World) -> None:
    editor = world.person("editor")
    agent = world.agents.create(ctx=editor, project_id=PROJECT, name="x")
    canvas = {"viewport": {"zoom": 2}}
    saved = world.flows.save(
        ctx=editor, agent_id=agent.id, expected_version=1, nodes=NODES, edges=EDGES, canvas=canvas
    )
    assert saved.version == 2
    got = world.flows.get(ctx=world.person("viewer"), agent_id=agent.id)
    assert (got.nodes, got.edges, got.canvas, got.version) == (NODES, EDGES, canvas, 2)
    assert world.store.events[-1].name == "FlowSaved"
    with pytest.raises(PreconditionFailed):
        world.flows.save(
            ctx=editor, agent_id=agent.id, expected_version=1, nodes=NODES, edges=EDGES, canvas={}
        )


def test_invalid_flows_and_viewers_change_nothing(world: World) -> None:
    editor = world.person("editor")
    agent = world.agents.create(ctx=editor, project_id=PROJECT, name="x")
    with pytest.raises(ValidationFailed) as raised:
        world.flows.save(
            ctx=editor, agent_id=agent.id, expected_version=None, nodes=[], edges=EDGES, canvas={}
        )
    assert len(raised.value.errors) == 4  # both ends dangling, no input, no output
    with pytest.raises(Forbidden):
        world.flows.save(
            ctx=world.person("viewer"),
            agent_id=agent.id,
            expected_version=None,
            nodes=NODES,
            edges=EDGES,
            canvas={},
        )
    assert world.flows.get(ctx=editor, agent_id=agent.id).version == 1
