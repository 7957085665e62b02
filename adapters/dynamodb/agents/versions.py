"""Agent versions in `agent-versions`: one partition per agent; each version is an immutable
content item (V#<n>) and a small summary item (S#<n>) written in the same transaction, so a
list reads summaries (a few hundred bytes each), never whole flows.

Nodes, edges, canvas and configs are JSON text (as maps the codec would give numbers back as
Decimal). A version of a flow of thousands of nodes passes DynamoDB's 400 KB item limit; the
offloader (in the unit of work's transaction on write, in the repository on read) moves the
largest attributes to S3 and back, and the purge deletes those objects with their items.
"""

from __future__ import annotations

import json
from typing import Any

from boto3.dynamodb.conditions import Key

from adapters.dynamodb.agents.keys import (
    SUMMARY_PREFIX,
    agent_version_key,
    agent_version_summary_key,
    agent_versions_partition,
)
from adapters.dynamodb.offload import pointer_uris
from adapters.dynamodb.reading import collect, query_request
from adapters.dynamodb.staged import StagedRepository
from adapters.dynamodb.uow import DynamoUnitOfWork
from domains.agents.versions import AgentVersion, AgentVersionSummary
from domains.shared.errors import Conflict
from domains.shared.pagination import Page, PageRequest

PURGE_CHUNK = 25  # deletes per transaction


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class _Summaries(StagedRepository[AgentVersionSummary]):
    table = "agent-versions"

    def to_item(self, entity: AgentVersionSummary) -> dict[str, Any]:
        return {
            **agent_version_summary_key(entity.org_id, entity.agent_id, entity.number),
            "org_id": entity.org_id,
            "agent_id": entity.agent_id,
            "number": entity.number,
            "note": entity.note,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
            "node_count": entity.node_count,
            "edge_count": entity.edge_count,
        }

    def from_item(self, item: dict[str, Any]) -> AgentVersionSummary:
        return AgentVersionSummary(
            org_id=item["org_id"],
            agent_id=item["agent_id"],
            number=int(item["number"]),
            created_by=item["created_by"],
            created_at=item["created_at"],
            note=item.get("note", ""),
            node_count=int(item.get("node_count", 0)),
            edge_count=int(item.get("edge_count", 0)),
        )

    def list(self, org_id: str, agent_id: str, page: PageRequest) -> Page[AgentVersionSummary]:
        where = Key("pk").eq(agent_versions_partition(org_id, agent_id)) & Key("sk").begins_with(
            SUMMARY_PREFIX
        )
        return self._query_page(where, page=page, scan_forward=False)

    def add(self, summary: AgentVersionSummary) -> None:
        taken = Conflict(f"version {summary.number} exists; versions never change")
        self._stage_insert(self.to_item(summary), on_condition=taken)


class DynamoAgentVersionRepository(StagedRepository[AgentVersion]):
    table = "agent-versions"

    def __init__(self, uow: DynamoUnitOfWork, **kwargs: Any) -> None:
        super().__init__(uow, **kwargs)
        self._summaries = _Summaries(uow, **kwargs)

    def to_item(self, entity: AgentVersion) -> dict[str, Any]:
        return {
            **agent_version_key(entity.org_id, entity.agent_id, entity.number),
            "org_id": entity.org_id,
            "agent_id": entity.agent_id,
            "number": entity.number,
            "nodes": _json(entity.nodes),
            "edges": _json(entity.edges),
            "canvas": _json(entity.canvas),
            "configs": _json(entity.configs),
            "note": entity.note,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
        }

    def from_item(self, item: dict[str, Any]) -> AgentVersion:
        return AgentVersion(
            org_id=item["org_id"],
            agent_id=item["agent_id"],
            number=int(item["number"]),
            nodes=json.loads(item["nodes"]),
            edges=json.loads(item["edges"]),
            canvas=json.loads(item["canvas"]),
            configs=json.loads(item["configs"]),
            created_by=item["created_by"],
            created_at=item["created_at"],
            note=item.get("note", ""),
        )

    def get(self, org_id: str, agent_id: str, number: int) -> AgentVersion | None:
        if number < 1:
            return None
        return self._get(agent_version_key(org_id, agent_id, number))

    def list(self, org_id: str, agent_id: str, page: PageRequest) -> Page[AgentVersionSummary]:
        return self._summaries.list(org_id, agent_id, page)

    def add(self, version: AgentVersion) -> None:
        taken = Conflict(f"version {version.number} exists; versions never change")
        self._stage_insert(self.to_item(version), on_condition=taken)
        self._summaries.add(version.summary())

    def purge_agent(self, org_id: str, agent_id: str) -> None:
        # Consistent reads: an eventually consistent Query may list a version deleted already.
        where = Key("pk").eq(agent_versions_partition(org_id, agent_id))
        request = query_request(where, index=None, scan_forward=True, filter=None, consistent=True)
        while True:
            items = collect(
                self._client, self.table, request, start=None, wanted=PURGE_CHUNK, keep=bool
            )
            if not items:
                return
            tx = self._transaction()
            for item in items:
                tx.delete(self.table, {"pk": item["pk"]["S"], "sk": item["sk"]["S"]})
            tx.commit()
            if self._offloader is not None:
                self._offloader.discard(set().union(*(pointer_uris(i) for i in items)))
