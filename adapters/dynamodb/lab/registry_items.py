"""The model registry's smaller items in `lab-model-registry`, beside each model's versions:
the STAGE#<stage> pointer two promotions race for (written on condition of what it held),
ALIAS#<alias> names, and METRIC#<n>#<time>#<id> performance points."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.codec import format_datetime
from adapters.dynamodb.lab.registry_keys import (
    ALIAS_PREFIX,
    METRIC_PREFIX,
    REGISTRY_TABLE,
    alias_key,
    metric_key,
    metric_range,
    registry_partition,
    stage_key,
)
from adapters.dynamodb.reading import collect, query_request
from adapters.dynamodb.staged import StagedRepository
from domains.lab.registry.model import MetricPoint, ModelAlias, StagePointer
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

STALE_ALIAS = PreconditionFailed("the alias changed since it was read")
RACED = Conflict("another change of the production version came first; read it again")


def all_of(conditions: list[ConditionBase]) -> ConditionBase | None:
    combined: ConditionBase | None = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined


class DynamoStagePointerRepository(StagedRepository[StagePointer]):
    table = REGISTRY_TABLE

    def to_item(self, entity: StagePointer) -> dict[str, Any]:
        return {
            **stage_key(entity.org_id, entity.model_id, entity.stage),
            "org_id": entity.org_id,
            "model_id": entity.model_id,
            "stage": entity.stage,
            "number": entity.number,
            "updated_at": entity.updated_at,
        }

    def from_item(self, item: dict[str, Any]) -> StagePointer:
        return StagePointer(
            org_id=item["org_id"],
            model_id=item["model_id"],
            stage=item["stage"],
            number=int(item["number"]),
            updated_at=item["updated_at"],
            version=item.get("version", 0),
        )

    def get(self, org_id: str, model_id: str, stage: str) -> StagePointer | None:
        return self._get(stage_key(org_id, model_id, stage), consistent=True)

    def move(self, pointer: StagePointer, *, previous: StagePointer | None) -> None:
        item = self.to_item(pointer)
        if previous is None:
            self._stage_insert(item, on_condition=RACED)
            return
        held = Attr("number").eq(previous.number)
        self._uow.stage(
            lambda tx: tx.put(
                self.table, item, condition=held, versioned=True, expected_version=previous.version
            ),
            on_condition=RACED,
        )

    def remove(self, pointer: StagePointer) -> None:
        key = stage_key(pointer.org_id, pointer.model_id, pointer.stage)
        held = Attr("number").eq(pointer.number) & Attr("version").eq(pointer.version)
        self._uow.stage(lambda tx: tx.delete(self.table, key, condition=held), on_condition=RACED)


class DynamoModelAliasRepository(StagedRepository[ModelAlias]):
    table = REGISTRY_TABLE

    def to_item(self, entity: ModelAlias) -> dict[str, Any]:
        return {
            **alias_key(entity.org_id, entity.model_id, entity.alias),
            "org_id": entity.org_id,
            "model_id": entity.model_id,
            "alias": entity.alias,
            "number": entity.number,
            "updated_by": entity.updated_by,
            "updated_at": entity.updated_at,
        }

    def from_item(self, item: dict[str, Any]) -> ModelAlias:
        return ModelAlias(
            org_id=item["org_id"],
            model_id=item["model_id"],
            alias=item["alias"],
            number=int(item["number"]),
            updated_by=item["updated_by"],
            updated_at=item["updated_at"],
            version=item.get("version", 0),
        )

    def get(self, org_id: str, model_id: str, alias: str) -> ModelAlias | None:
        return self._get(alias_key(org_id, model_id, alias))

    def list(self, org_id: str, model_id: str) -> list[ModelAlias]:
        where = Key("pk").eq(registry_partition(org_id, model_id)) & Key("sk").begins_with(
            ALIAS_PREFIX
        )
        request = query_request(where, index=None, scan_forward=True, filter=None, consistent=False)
        items = collect(self._client, self.table, request, start=None, wanted=1000, keep=bool)
        aliases = (self._entity(item) for item in items)
        return [a for a in aliases if a is not None]

    def put(self, alias: ModelAlias) -> None:
        item = self.to_item(alias)
        if alias.version == 0:
            self._stage_insert(item, on_condition=Conflict("the alias was set meanwhile"))
        else:
            self._stage_replace(item, version=alias.version, on_condition=STALE_ALIAS)

    def remove(self, alias: ModelAlias) -> None:
        key = alias_key(alias.org_id, alias.model_id, alias.alias)
        self._stage_delete(key, version=alias.version, on_condition=STALE_ALIAS)


class DynamoMetricRepository(StagedRepository[MetricPoint]):
    table = REGISTRY_TABLE

    def to_item(self, entity: MetricPoint) -> dict[str, Any]:
        return {
            **metric_key(
                entity.org_id, entity.model_id, entity.number, entity.recorded_at, entity.id
            ),
            "org_id": entity.org_id,
            "model_id": entity.model_id,
            "number": entity.number,
            "id": entity.id,
            "recorded_at": entity.recorded_at,
            "values": entity.values,
            "recorded_by": entity.recorded_by,
        }

    def from_item(self, item: dict[str, Any]) -> MetricPoint:
        return MetricPoint(
            org_id=item["org_id"],
            model_id=item["model_id"],
            number=int(item["number"]),
            id=item["id"],
            recorded_at=item["recorded_at"],
            values={k: float(v) for k, v in item["values"].items()},
            recorded_by=item["recorded_by"],
        )

    def add(self, point: MetricPoint) -> None:
        self._uow.stage(
            lambda tx: tx.put(self.table, self.to_item(point), condition=Attr("pk").not_exists()),
            on_condition=Conflict("metric point exists"),
        )

    def list(
        self,
        org_id: str,
        model_id: str,
        *,
        number: int | None,
        start: datetime | None,
        end: datetime | None,
        page: PageRequest,
    ) -> Page[MetricPoint]:
        partition = Key("pk").eq(registry_partition(org_id, model_id))
        if number is not None:
            low, high = metric_range(number, start, end)
            return self._query_page(partition & Key("sk").between(low, high), page=page)
        window: list[ConditionBase] = []
        if start is not None:
            window.append(Attr("recorded_at").gte(format_datetime(start)))
        if end is not None:
            window.append(Attr("recorded_at").lte(format_datetime(end)))
        key = partition & Key("sk").begins_with(METRIC_PREFIX)
        return self._query_page(key, page=page, filter=all_of(window))
