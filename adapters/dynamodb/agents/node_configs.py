"""`flow-node-configs`: an organisation's custom node types (one partition per organisation)
and each node's configuration (beside its flow's id). Types and configs are JSON documents,
kept as JSON text so numbers come back as they went in (the codec reads maps' numbers as
Decimal)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from boto3.dynamodb.conditions import Key

from adapters.dynamodb.agents.keys import (
    custom_type_keys,
    custom_types_partition,
    node_config_index_keys,
    node_config_key,
)
from adapters.dynamodb.staged import StagedRepository
from domains.agents.model import MAX_CUSTOM_NODE_TYPES, CustomNodeType, NodeConfig
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import PageRequest

PURGE_CHUNK = 25  # deletes per transaction
STALE = PreconditionFailed("the node config changed since it was read")


class DynamoNodeTypeRepository(StagedRepository[CustomNodeType]):
    table = "flow-node-configs"

    def to_item(self, entity: CustomNodeType) -> dict[str, Any]:
        return {
            **custom_type_keys(entity.org_id, entity.type, entity.spec.get("category", "custom")),
            "org_id": entity.org_id,
            "type": entity.type,
            "spec": json.dumps(entity.spec, separators=(",", ":")),
            "created_by": entity.created_by,
            "created_at": entity.created_at,
        }

    def from_item(self, item: dict[str, Any]) -> CustomNodeType:
        return CustomNodeType(
            org_id=item["org_id"],
            type=item["type"],
            spec=json.loads(item["spec"]),
            created_by=item["created_by"],
            created_at=item["created_at"],
            version=item.get("version", 0),
        )

    def list_custom(self, org_id: str) -> list[CustomNodeType]:
        key = Key("pk").eq(custom_types_partition(org_id))
        return list(self._query_page(key, page=PageRequest(MAX_CUSTOM_NODE_TYPES)).items)

    def add(self, node_type: CustomNodeType) -> None:
        exists = Conflict(f"the organisation has a node type {node_type.type!r}")
        self._stage_insert(self.to_item(node_type), on_condition=exists)


class DynamoNodeConfigRepository(StagedRepository[NodeConfig]):
    table = "flow-node-configs"

    def to_item(self, entity: NodeConfig) -> dict[str, Any]:
        return {
            **node_config_key(entity.org_id, entity.flow_id, entity.node_id),
            **node_config_index_keys(entity.org_id, entity.type, entity.flow_id, entity.node_id),
            "org_id": entity.org_id,
            "flow_id": entity.flow_id,
            "node_id": entity.node_id,
            "type": entity.type,
            "config": json.dumps(entity.config, separators=(",", ":")),
            "updated_at": entity.updated_at,
            "updated_by": entity.updated_by,
        }

    def from_item(self, item: dict[str, Any]) -> NodeConfig:
        return NodeConfig(
            org_id=item["org_id"],
            flow_id=item["flow_id"],
            node_id=item["node_id"],
            type=item["type"],
            config=json.loads(item["config"]),
            updated_at=item["updated_at"],
            updated_by=item["updated_by"],
            version=item.get("version", 0),
        )

    def get(self, org_id: str, flow_id: str, node_id: str) -> NodeConfig | None:
        return self._get(node_config_key(org_id, flow_id, node_id))

    def list_flow(self, org_id: str, flow_id: str) -> list[NodeConfig]:
        partition = node_config_key(org_id, flow_id, "")
        where = Key("pk").eq(partition["pk"]) & Key("sk").begins_with(partition["sk"])
        found: list[NodeConfig] = []
        cursor = None
        while True:
            page = self._query_page(where, page=PageRequest(100, cursor), consistent=True)
            found += page.items
            cursor = page.next_cursor
            if cursor is None:
                return sorted(found, key=lambda c: c.node_id)

    def replace_flow(self, org_id: str, flow_id: str, configs: list[NodeConfig]) -> None:
        stored = {c.node_id: c for c in self.list_flow(org_id, flow_id)}
        wanted = {c.node_id: c for c in configs}
        writes: list[tuple[str, NodeConfig]] = [
            ("delete", c) for node_id, c in stored.items() if node_id not in wanted
        ]
        for node_id, config in wanted.items():
            old = stored.get(node_id)
            if old is None or (old.type, old.config) != (config.type, config.config):
                writes.append(("put", replace(config, version=old.version if old else 0)))
        for start in range(0, len(writes), PURGE_CHUNK):
            tx = self._transaction()
            for kind, config in writes[start : start + PURGE_CHUNK]:
                if kind == "delete":
                    tx.delete(self.table, node_config_key(org_id, flow_id, config.node_id))
                else:  # last writer wins; the version still moves, so a held ETag is stale
                    tx.put(self.table, {**self.to_item(config), "version": config.version + 1})
            tx.commit()

    def purge_flow(self, org_id: str, flow_id: str) -> None:
        # Consistent reads: an eventually consistent Query may list a config deleted already.
        partition = node_config_key(org_id, flow_id, "")
        where = Key("pk").eq(partition["pk"]) & Key("sk").begins_with(partition["sk"])
        while True:
            found = self._query_page(where, page=PageRequest(PURGE_CHUNK), consistent=True).items
            if not found:
                return
            tx = self._transaction()
            for config in found:
                tx.delete(self.table, node_config_key(org_id, flow_id, config.node_id))
            tx.commit()

    def put(self, config: NodeConfig) -> None:
        if config.version == 0:
            self._stage_insert(self.to_item(config), on_condition=STALE)
        else:
            self._stage_replace(self.to_item(config), version=config.version, on_condition=STALE)
