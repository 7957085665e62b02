"""Flows in `agent-flows`, read and written whole.

Nodes, edges and canvas are kept as JSON text: as maps the codec would give numbers back as
Decimal. A flow of thousands of nodes passes DynamoDB's 400 KB item limit; the offloader
(in the unit of work's transaction on write, in the repository on read) moves the largest
attributes to S3 and back, so callers never see it.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.dynamodb.agents.keys import flow_index_keys, flow_key
from adapters.dynamodb.staged import StagedRepository
from domains.agents.model import Flow
from domains.shared.errors import Conflict, PreconditionFailed

STALE = PreconditionFailed("the flow changed since it was read")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class DynamoFlowRepository(StagedRepository[Flow]):
    table = "agent-flows"

    def to_item(self, entity: Flow) -> dict[str, Any]:
        return {
            **flow_key(entity.org_id, entity.id),
            **flow_index_keys(entity.org_id, entity.agent_id, entity.id),
            "org_id": entity.org_id,
            "id": entity.id,
            "agent_id": entity.agent_id,
            "nodes": _json(entity.nodes),
            "edges": _json(entity.edges),
            "canvas": _json(entity.canvas),
            "updated_at": entity.updated_at,
            "updated_by": entity.updated_by,
        }

    def from_item(self, item: dict[str, Any]) -> Flow:
        return Flow(
            org_id=item["org_id"],
            id=item["id"],
            agent_id=item["agent_id"],
            updated_at=item["updated_at"],
            updated_by=item["updated_by"],
            nodes=json.loads(item["nodes"]),
            edges=json.loads(item["edges"]),
            canvas=json.loads(item["canvas"]),
            version=item.get("version", 0),
        )

    def get(self, org_id: str, flow_id: str) -> Flow | None:
        return self._get(flow_key(org_id, flow_id))

    def add(self, flow: Flow) -> None:
        self._stage_insert(self.to_item(flow), on_condition=Conflict("flow exists"))

    def save(self, flow: Flow) -> None:
        self._stage_replace(self.to_item(flow), version=flow.version, on_condition=STALE)

    def remove(self, flow: Flow) -> None:
        self._stage_delete(flow_key(flow.org_id, flow.id), version=flow.version, on_condition=STALE)
