"""Agents in `agents`: by id, and by project, status or creator (gsi1-3, newest first)."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from adapters.dynamodb.agents.keys import (
    agent_index_keys,
    agent_key,
    owner_agents_partition,
    project_agents_partition,
    status_agents_partition,
)
from adapters.dynamodb.staged import StagedRepository
from domains.agents.model import Agent
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

STALE = PreconditionFailed("the agent changed since it was read")


class DynamoAgentRepository(StagedRepository[Agent]):
    table = "agents"

    def to_item(self, entity: Agent) -> dict[str, Any]:
        return {
            **agent_key(entity.org_id, entity.id),
            **agent_index_keys(
                entity.org_id,
                entity.project_id,
                entity.status,
                entity.created_by,
                entity.updated_at,
                entity.id,
            ),
            "org_id": entity.org_id,
            "id": entity.id,
            "project_id": entity.project_id,
            "flow_id": entity.flow_id,
            "name": entity.name,
            "description": entity.description,
            "tags": set(entity.tags),
            "status": entity.status,
            "published_version": entity.published_version,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
            "updated_at": entity.updated_at,
        }

    def from_item(self, item: dict[str, Any]) -> Agent:
        return Agent(
            org_id=item["org_id"],
            id=item["id"],
            project_id=item["project_id"],
            name=item["name"],
            created_by=item["created_by"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            flow_id=item["flow_id"],
            description=item.get("description", ""),
            tags=frozenset(item.get("tags", ())),
            status=item["status"],
            version=item.get("version", 0),
            published_version=int(item.get("published_version", 0)),
        )

    def get(self, org_id: str, agent_id: str) -> Agent | None:
        return self._get(agent_key(org_id, agent_id))

    def _list(self, index: str, partition: str, page: PageRequest) -> Page[Agent]:
        key = Key(f"{index}pk").eq(partition)
        return self._query_page(key, index=index, page=page, scan_forward=False)

    def list_project(self, org_id: str, project_id: str, page: PageRequest) -> Page[Agent]:
        return self._list("gsi1", project_agents_partition(org_id, project_id), page)

    def list_status(self, org_id: str, status: str, page: PageRequest) -> Page[Agent]:
        return self._list("gsi2", status_agents_partition(org_id, status), page)

    def list_owner(self, org_id: str, user_id: str, page: PageRequest) -> Page[Agent]:
        return self._list("gsi3", owner_agents_partition(org_id, user_id), page)

    def add(self, agent: Agent) -> None:
        self._stage_insert(self.to_item(agent), on_condition=Conflict("agent exists"))

    def save(self, agent: Agent) -> None:
        self._stage_replace(self.to_item(agent), version=agent.version, on_condition=STALE)

    def remove(self, agent: Agent) -> None:
        self._stage_delete(
            agent_key(agent.org_id, agent.id), version=agent.version, on_condition=STALE
        )
