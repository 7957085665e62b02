"""Agent runs in `agent-execution-history` (keys in run_keys). A run is written once, never
changed, with no `version` attribute (there is nothing to lock). Inputs, outputs and steps are
JSON text, so numbers come back exactly as posted; an item past the offload threshold has its
largest of them moved to S3 by the transaction. The attributes the execution roll-ups read
from gsi2 are top-level: status, duration_ms, tokens_in, tokens_out, cost (a number),
agent_version, user_id, agent_id, project_id, model, started_at."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.agents.agents import DynamoAgentRepository
from adapters.dynamodb.agents.run_keys import (
    RUN_PREFIX,
    TABLE,
    agent_runs_partition,
    replay_key,
    run_index_keys,
    run_key,
    stamp_bounds,
    status_partition,
)
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import decode_item
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.reading import query_request
from adapters.dynamodb.staged import StagedRepository
from adapters.dynamodb.uow import DynamoUnitOfWork
from domains.agents.runs.model import AgentRun, RunError, RunReplay, RunStep, json_text, money
from domains.agents.runs.ports import ReplayTaken, RunFilter
from domains.shared.errors import Conflict
from domains.shared.pagination import Page, PageRequest


def _error(raw: dict[str, Any] | None) -> RunError | None:
    return RunError(raw["type"], raw.get("message", "")) if raw else None


def _steps_text(steps: tuple[RunStep, ...]) -> str:
    return json_text(
        [
            {
                **step.__dict__,
                "cost": money(step.cost) if step.cost is not None else None,
                "error": step.error.__dict__ if step.error else None,
            }
            for step in steps
        ]
    )


def _step(raw: dict[str, Any]) -> RunStep:
    started = raw.get("started_at")
    return RunStep(
        node_id=raw["node_id"],
        status=raw["status"],
        started_at=datetime.fromisoformat(started) if started else None,
        duration_ms=raw.get("duration_ms"),
        tokens=raw.get("tokens"),
        cost=Decimal(raw["cost"]) if raw.get("cost") is not None else None,
        error=_error(raw.get("error")),
    )


def _json(item: dict[str, Any], name: str) -> Any:
    return json.loads(item[name]) if name in item else None


# What a list reads of each run: all but its payload (inputs, outputs, steps), so a page never
# fetches offloaded payloads from S3. Capacity is the same (DynamoDB charges the whole item).
SUMMARY = (
    *("pk", "sk", "gsi3pk", "gsi3sk", "org_id", "agent_id", "run_id", "project_id", "user_id"),
    *("actor", "status", "started_at", "finished_at", "duration_ms", "agent_version", "model"),
    *("tokens_in", "tokens_out", "cost", "error", "logged_at", "expires_at"),
)


def _summaries(request: dict[str, Any]) -> dict[str, Any]:
    names = {f"#s{i}": name for i, name in enumerate(SUMMARY)}
    return {
        **request,
        "ProjectionExpression": ", ".join(names),
        "ExpressionAttributeNames": {**request.get("ExpressionAttributeNames", {}), **names},
    }


class DynamoRunRepository(StagedRepository[AgentRun]):
    table = TABLE

    def to_item(self, entity: AgentRun) -> dict[str, Any]:
        return {
            **run_key(entity.org_id, entity.agent_id, entity.id),
            **run_index_keys(
                entity.org_id,
                entity.agent_id,
                entity.id,
                user_id=entity.user_id,
                status=entity.status,
                started_at=entity.started_at,
                expires_at=entity.expires_at,
            ),
            "org_id": entity.org_id,
            "agent_id": entity.agent_id,
            "run_id": entity.id,
            "project_id": entity.project_id,
            "user_id": entity.user_id,
            "actor": entity.actor,
            "status": entity.status,
            "started_at": entity.started_at,
            "finished_at": entity.finished_at,
            "duration_ms": entity.duration_ms,
            "agent_version": entity.agent_version,
            "model": entity.model,
            "tokens_in": entity.tokens_in,
            "tokens_out": entity.tokens_out,
            "cost": entity.cost,
            "inputs": json_text(entity.inputs) if entity.inputs is not None else None,
            "outputs": json_text(entity.outputs) if entity.outputs is not None else None,
            "error": entity.error.__dict__ if entity.error else None,
            "steps": _steps_text(entity.steps),
            "logged_at": entity.logged_at,
            "expires_at": int(entity.expires_at.timestamp()),
        }

    def from_item(self, item: dict[str, Any]) -> AgentRun:
        return AgentRun(
            org_id=item["org_id"],
            agent_id=item["agent_id"],
            id=item["run_id"],
            project_id=item["project_id"],
            user_id=item["user_id"],
            actor=item["actor"],
            status=item["status"],
            started_at=item["started_at"],
            logged_at=item["logged_at"],
            finished_at=item.get("finished_at"),
            duration_ms=item.get("duration_ms"),
            agent_version=item.get("agent_version"),
            model=item.get("model", ""),
            tokens_in=int(item.get("tokens_in", 0)),
            tokens_out=int(item.get("tokens_out", 0)),
            cost=Decimal(str(item.get("cost", 0))),
            inputs=_json(item, "inputs"),
            outputs=_json(item, "outputs"),
            error=_error(item.get("error")),
            steps=tuple(_step(s) for s in json.loads(item.get("steps", "[]"))),
        )

    def get(self, org_id: str, agent_id: str, run_id: str) -> AgentRun | None:
        return self._get(run_key(org_id, agent_id, run_id))

    def list(
        self, org_id: str, agent_id: str, *, page: PageRequest, where: RunFilter
    ) -> Page[AgentRun]:
        """The table's partition by start (gsi3 when a status is asked), newest first; the
        version and user are filters."""
        low, high = stamp_bounds(where.started_from, where.started_to)
        index: str | None = None
        if where.status is None:
            partition = agent_runs_partition(org_id, agent_id)
            key = Key("pk").eq(partition) & Key("sk").between(RUN_PREFIX + low, RUN_PREFIX + high)
        else:
            index = "gsi3"
            partition = status_partition(org_id, agent_id, where.status)
            key = Key("gsi3pk").eq(partition) & Key("gsi3sk").between(low, high)
        wanted: list[ConditionBase] = []
        if where.agent_version is not None:
            wanted.append(Attr("agent_version").eq(where.agent_version))
        if where.user_id is not None:
            wanted.append(Attr("user_id").eq(where.user_id))
        condition: ConditionBase | None = None
        for each in wanted:
            condition = each if condition is None else condition & each
        request = query_request(
            key, index=index, scan_forward=False, filter=condition, consistent=False
        )
        return self._page(_summaries(request), page, index)

    def get_replay(self, org_id: str, agent_id: str, actor: str, key: str) -> RunReplay | None:
        response = self._client.get_item(
            self.table, Key=self._key(replay_key(org_id, agent_id, actor, key)), ConsistentRead=True
        )
        raw = response.get("Item")
        if not raw or self._expired(raw):
            return None
        item = decode_item(raw)
        return RunReplay(
            org_id,
            agent_id,
            actor,
            key,
            item["run_id"],
            item["fingerprint"],
            datetime.fromtimestamp(int(item["expires_at"]), tz=UTC),
        )

    def add(self, run: AgentRun, replay: RunReplay | None = None) -> None:
        item = self.to_item(run)
        absent = Attr("pk").not_exists()
        self._uow.stage(
            lambda tx: tx.put(self.table, item, condition=absent),
            on_condition=Conflict("the run exists"),
        )
        if replay is None:
            return
        record = {
            **replay_key(replay.org_id, replay.agent_id, replay.actor, replay.key),
            "run_id": replay.run_id,
            "fingerprint": replay.fingerprint,
            "expires_at": int(replay.expires_at.timestamp()),
        }
        self._uow.stage(
            lambda tx: tx.put(self.table, record, condition=absent),
            on_condition=ReplayTaken("a run was logged under this Idempotency-Key meanwhile"),
        )


class DynamoRunsUnitOfWork(DynamoUnitOfWork):
    def __init__(
        self,
        client: DynamoClient,
        *,
        cursors: CursorSigner,
        offloader: Offloader | None,
        audit_retention_days: int,
    ) -> None:
        super().__init__(client, offloader=offloader, audit_retention_days=audit_retention_days)
        shared: dict[str, Any] = {"cursors": cursors, "offloader": offloader}
        self.agents = DynamoAgentRepository(self, **shared)
        self.runs = DynamoRunRepository(self, **shared)
