"""Node types on fakes: custom types join the catalogue and the flow rules; configs."""

from __future__ import annotations

import pytest

from domains.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.unit.agents.world import PROJECT, World

SPEC = {
    "type": "shout",
    "label": "Shout",
    "inputs": [{"name": "in", "type": "text"}],
    "outputs": [{"name": "out", "type": "text"}],
    "config_schema": {"type": "object", "properties": {"volume": {"type": "integer"}}},
    "defaults": {"volume": 11},
}


def test_a_custom_type_is_listed_validated_and_usable_in_flows(world: World) -> None:
    admin = world.person("admin", org_role="admin")
    with pytest.raises(Forbidden):
        world.node_types.add_custom(ctx=world.person("editor"), spec=SPEC)
    world.node_types.add_custom(ctx=admin, spec=SPEC)
    with pytest.raises(Conflict):
        world.node_types.add_custom(ctx=admin, spec=SPEC)
    assert "shout" in {t["type"] for t in world.node_types.list_types(ctx=admin)}
    assert world.node_types.validate(ctx=admin, type_="shout", config={}) == {"volume": 11}
    with pytest.raises(ValidationFailed) as raised:
        world.node_types.validate(ctx=admin, type_="shout", config={"volume": "max"})
    assert raised.value.errors[0]["loc"] == ["config", "volume"]
    agent = world.agents.create(ctx=admin, project_id=PROJECT, name="x")
    nodes = [
        {"id": "i", "type": "input"},
        {"id": "s", "type": "shout"},
        {"id": "o", "type": "output"},
    ]
    edges = [{"id": "1", "source": "i", "target": "s"}, {"id": "2", "source": "s", "target": "o"}]
    world.flows.save(
        ctx=admin, agent_id=agent.id, expected_version=None, nodes=nodes, edges=edges, canvas={}
    )
    config = world.node_types.get_config(ctx=admin, flow_id=agent.flow_id, node_id="s")
    assert (config.config, config.version) == ({"volume": 11}, 0)
    saved = world.node_types.put_config(
        ctx=admin, flow_id=agent.flow_id, node_id="s", config={"volume": 3}, expected_version=0
    )
    assert saved.version == 1
    with pytest.raises(NotFound):
        world.node_types.get_config(ctx=admin, flow_id=agent.flow_id, node_id="nope")
    with pytest.raises(NotFound):
        world.node_types.validate(ctx=admin, type_="whisper", config={})
    world.agents.delete(ctx=admin, agent_id=agent.id)
    assert world.store.node_configs == {}  # purged with the agent's flow
