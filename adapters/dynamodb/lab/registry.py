"""The model registry over DynamoDB: models in `models` (with the name claim written in the
same transaction), and versions, stage pointers, aliases and metric points in
`lab-model-registry`, one partition per model."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.lab.registry_items import (
    DynamoMetricRepository,
    DynamoModelAliasRepository,
    DynamoStagePointerRepository,
    all_of,
)
from adapters.dynamodb.lab.registry_keys import (
    MODEL_PREFIX,
    MODELS_TABLE,
    REGISTRY_TABLE,
    VERSION_PREFIX,
    deploy_partition,
    model_index_keys,
    model_key,
    name_key,
    org_partition,
    project_partition,
    registry_partition,
    run_partition,
    stage_partition,
    task_partition,
    version_index_keys,
    version_key,
)
from adapters.dynamodb.lab.tracking_keys import run_key
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.staged import StagedRepository
from adapters.dynamodb.uow import DynamoUnitOfWork
from domains.lab.registry.model import (
    DeploymentChange,
    ModelVersion,
    RegisteredModel,
)
from domains.lab.registry.ports import VersionFilter
from domains.shared.errors import Conflict, PreconditionFailed, ValidationFailed
from domains.shared.pagination import Page, PageRequest

STALE_MODEL = PreconditionFailed("the model changed since it was read")
STALE_VERSION = PreconditionFailed("the model version changed since it was read")
RUNS_TABLE = "experiment-runs"
NO_RUN = ValidationFailed(
    "source_run_id names no run of the organisation",
    errors=[{"loc": ["source_run_id"], "msg": "no such run in the organisation"}],
)


class DynamoModelRepository(StagedRepository[RegisteredModel]):
    table = MODELS_TABLE

    def to_item(self, entity: RegisteredModel) -> dict[str, Any]:
        return {
            **model_key(entity.org_id, entity.id),
            **model_index_keys(
                entity.org_id, entity.id, entity.project_id, entity.task, entity.updated_at
            ),
            "org_id": entity.org_id,
            "id": entity.id,
            "name": entity.name,
            "task": entity.task,
            "framework": entity.framework,
            "project_id": entity.project_id,
            "description": entity.description,
            "tags": set(entity.tags),
            "latest_version": entity.latest_version,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
            "updated_at": entity.updated_at,
        }

    def from_item(self, item: dict[str, Any]) -> RegisteredModel:
        return RegisteredModel(
            org_id=item["org_id"],
            id=item["id"],
            name=item["name"],
            task=item["task"],
            framework=item["framework"],
            project_id=item["project_id"],
            created_by=item["created_by"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            description=item.get("description", ""),
            tags=frozenset(item.get("tags", ())),
            latest_version=int(item.get("latest_version", 0)),
            version=item.get("version", 0),
        )

    def get(self, org_id: str, model_id: str) -> RegisteredModel | None:
        return self._get(model_key(org_id, model_id))

    def get_by_name(self, org_id: str, name: str) -> RegisteredModel | None:
        claim = self._client.get_item(self.table, Key=self._key(name_key(org_id, name)))
        item = claim.get("Item")
        return self.get(org_id, item["model_id"]["S"]) if item else None

    def list(
        self,
        org_id: str,
        *,
        page: PageRequest,
        project_id: str | None = None,
        task: str | None = None,
    ) -> Page[RegisteredModel]:
        if project_id is not None:
            key = Key("gsi1pk").eq(project_partition(org_id, project_id))
            where = Attr("task").eq(task) if task else None
            return self._query_page(key, index="gsi1", page=page, scan_forward=False, filter=where)
        if task is not None:
            key = Key("gsi2pk").eq(task_partition(org_id, task))
            return self._query_page(key, index="gsi2", page=page, scan_forward=False)
        mine = Key("pk").eq(org_partition(org_id)) & Key("sk").begins_with(MODEL_PREFIX)
        return self._query_page(mine, page=page)

    def add(self, model: RegisteredModel) -> None:
        taken = Conflict(f"a model named {model.name!r} exists in the organisation")
        claim = {**name_key(model.org_id, model.name), "model_id": model.id}
        self._uow.stage(
            lambda tx: tx.put(self.table, claim, condition=Attr("pk").not_exists()),
            on_condition=taken,
        )
        self._stage_insert(self.to_item(model), on_condition=Conflict("model exists"))

    def save(self, model: RegisteredModel) -> None:
        self._stage_replace(self.to_item(model), version=model.version, on_condition=STALE_MODEL)


class DynamoModelVersionRepository(StagedRepository[ModelVersion]):
    table = REGISTRY_TABLE

    def to_item(self, entity: ModelVersion) -> dict[str, Any]:
        indexes = version_index_keys(
            entity.org_id,
            entity.model_id,
            entity.number,
            project_id=entity.project_id,
            status=entity.deployment_status,
            stage=entity.stage,
            run_id=entity.source_run_id,
            updated_at=entity.updated_at,
        )
        return {
            **version_key(entity.org_id, entity.model_id, entity.number),
            **indexes,
            "org_id": entity.org_id,
            "model_id": entity.model_id,
            "number": entity.number,
            "model_name": entity.model_name,
            "task": entity.task,
            "framework": entity.framework,
            "project_id": entity.project_id,
            "artifact_uri": entity.artifact_uri,
            "source_run_id": entity.source_run_id,
            # JSON text: a signature is the caller's own JSON and must come back as written.
            "signature": json.dumps(entity.signature, separators=(",", ":")),
            "metrics": entity.metrics or None,
            "description": entity.description,
            "stage": entity.stage,
            "stage_changed_at": entity.stage_changed_at,
            "deployment_status": entity.deployment_status,
            "endpoint": entity.endpoint or None,
            "history": [
                {"status": c.status, "changed_at": c.changed_at, "by": c.changed_by, "note": c.note}
                for c in entity.history
            ],
            "created_by": entity.created_by,
            "created_at": entity.created_at,
            "updated_at": entity.updated_at,
        }

    def from_item(self, item: dict[str, Any]) -> ModelVersion:
        return ModelVersion(
            org_id=item["org_id"],
            model_id=item["model_id"],
            number=int(item["number"]),
            model_name=item["model_name"],
            task=item["task"],
            framework=item["framework"],
            project_id=item["project_id"],
            artifact_uri=item["artifact_uri"],
            created_by=item["created_by"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            source_run_id=item.get("source_run_id"),
            signature=json.loads(item.get("signature") or "{}"),
            metrics={k: float(v) for k, v in (item.get("metrics") or {}).items()},
            description=item.get("description", ""),
            stage=item["stage"],
            stage_changed_at=item.get("stage_changed_at"),
            deployment_status=item["deployment_status"],
            endpoint=_plain(item.get("endpoint") or {}),
            history=tuple(
                DeploymentChange(c["status"], c["changed_at"], c["by"], c.get("note", ""))
                for c in item.get("history", ())
            ),
            version=item.get("version", 0),
        )

    def get(
        self, org_id: str, model_id: str, number: int, *, consistent: bool = False
    ) -> ModelVersion | None:
        return self._get(version_key(org_id, model_id, number), consistent=consistent)

    def list(self, org_id: str, model_id: str, *, page: PageRequest) -> Page[ModelVersion]:
        where = Key("pk").eq(registry_partition(org_id, model_id)) & Key("sk").begins_with(
            VERSION_PREFIX
        )
        return self._query_page(where, page=page, scan_forward=False)

    def find(self, org_id: str, wanted: VersionFilter, *, page: PageRequest) -> Page[ModelVersion]:
        """The most selective index the filter names (run, project, status, stage); the
        other fields filter what it reads."""
        filters: list[ConditionBase] = []
        if wanted.run_id:
            key, index = Key("gsi4pk").eq(run_partition(org_id, wanted.run_id)), "gsi4"
        elif wanted.project_id:
            key, index = Key("gsi1pk").eq(project_partition(org_id, wanted.project_id)), "gsi1"
        elif wanted.status:
            key, index = Key("gsi2pk").eq(deploy_partition(org_id, wanted.status)), "gsi2"
        elif wanted.stage:
            key, index = Key("gsi3pk").eq(stage_partition(org_id, wanted.stage)), "gsi3"
        else:
            raise ValueError("name a run, a status, a stage or a project")
        if wanted.status and index != "gsi2":
            filters.append(Attr("deployment_status").eq(wanted.status))
        if wanted.stage and index != "gsi3":
            filters.append(Attr("stage").eq(wanted.stage))
        if wanted.project_id and index != "gsi1":
            filters.append(Attr("project_id").eq(wanted.project_id))
        if wanted.task:
            filters.append(Attr("task").eq(wanted.task))
        forward = index == "gsi4"  # a run's versions by model and number; the rest newest first
        return self._query_page(
            key, index=index, page=page, scan_forward=forward, filter=all_of(filters)
        )

    def add(self, version: ModelVersion) -> None:
        """The version, and (lineage) a check in the same transaction that its source run is
        a run of the organisation in `experiment-runs`."""
        taken = Conflict(f"version {version.number} exists")
        self._stage_insert(self.to_item(version), on_condition=taken)
        if version.source_run_id:
            run = run_key(version.org_id, version.source_run_id)
            self._uow.stage(
                lambda tx: tx.condition_check(RUNS_TABLE, run, Attr("pk").exists()),
                on_condition=NO_RUN,
            )

    def save(self, version: ModelVersion) -> None:
        self._stage_replace(
            self.to_item(version), version=version.version, on_condition=STALE_VERSION
        )


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Stored numbers come back as Decimal; the domain's are int or float."""
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in values.items()}


class DynamoRegistryUnitOfWork(DynamoUnitOfWork):
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
        self.models = DynamoModelRepository(self, **shared)
        self.versions = DynamoModelVersionRepository(self, **shared)
        self.stages = DynamoStagePointerRepository(self, **shared)
        self.aliases = DynamoModelAliasRepository(self, **shared)
        self.metrics = DynamoMetricRepository(self, **shared)
