"""Experiments in `experiments` (with the organisation's claim on each name) and runs in
`experiment-runs` (by id alone; an experiment's by start time in gsi1, of a status in gsi2),
and the tracking unit of work over them."""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import encode_item
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.expressions import Expressions
from adapters.dynamodb.lab.datasets import DynamoDatasetLineage
from adapters.dynamodb.lab.tracking_keys import (
    experiment_index_keys,
    experiment_key,
    experiment_name_key,
    experiment_runs_partition,
    project_experiments_partition,
    run_index_keys,
    run_key,
    status_runs_partition,
)
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.reading import collect, query_request
from adapters.dynamodb.staged import StagedRepository
from adapters.dynamodb.uow import DynamoUnitOfWork
from domains.lab.tracking.model import DatasetUse, Experiment, MetricPoint, Run
from domains.lab.tracking.search import SEARCH_BOUND, RunQuery
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

STALE_EXPERIMENT = PreconditionFailed("the experiment changed since it was read")
STALE_RUN = PreconditionFailed("the run changed since it was read")
_KEY = ("pk", "sk")
_BOOKKEEPING = ("latest_metrics", "metrics_seq")


def _name_taken(name: str) -> Conflict:
    return Conflict(f"the organisation has an experiment named {name!r}", name=name)


class DynamoExperimentRepository(StagedRepository[Experiment]):
    table = "experiments"

    def to_item(self, e: Experiment) -> dict[str, Any]:
        return {
            **experiment_key(e.org_id, e.id),
            **experiment_index_keys(e.org_id, e.project_id, e.updated_at, e.id),
            "org_id": e.org_id,
            "id": e.id,
            "project_id": e.project_id,
            "name": e.name,
            "description": e.description,
            "tags": dict(e.tags),
            "lifecycle_stage": e.lifecycle_stage,
            "created_by": e.created_by,
            "created_at": e.created_at,
            "updated_at": e.updated_at,
            "deleted_at": e.deleted_at,
        }

    def from_item(self, item: dict[str, Any]) -> Experiment:
        return Experiment(
            org_id=item["org_id"],
            id=item["id"],
            project_id=item["project_id"],
            name=item["name"],
            created_by=item["created_by"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            description=item.get("description", ""),
            tags=dict(item.get("tags") or {}),
            lifecycle_stage=item["lifecycle_stage"],
            deleted_at=item.get("deleted_at"),
            version=item.get("version", 0),
        )

    def get(self, org_id: str, experiment_id: str) -> Experiment | None:
        return self._get(experiment_key(org_id, experiment_id))

    def get_by_name(self, org_id: str, name: str) -> Experiment | None:
        response = self._client.get_item(
            self.table, Key=self._key(experiment_name_key(org_id, name))
        )
        claim = response.get("Item")
        return self.get(org_id, claim["experiment_id"]["S"]) if claim else None

    def list_project(
        self, org_id: str, project_id: str, *, lifecycle: str | None, page: PageRequest
    ) -> Page[Experiment]:
        key = Key("gsi1pk").eq(project_experiments_partition(org_id, project_id))
        wanted = Attr("lifecycle_stage").eq(lifecycle) if lifecycle else None
        return self._query_page(key, index="gsi1", page=page, scan_forward=False, filter=wanted)

    def list_org(
        self, org_id: str, *, lifecycle: str | None, page: PageRequest
    ) -> Page[Experiment]:
        key = Key("pk").eq(f"ORG#{org_id}") & Key("sk").begins_with("EXP#")
        wanted = Attr("lifecycle_stage").eq(lifecycle) if lifecycle else None
        return self._query_page(key, page=page, scan_forward=False, filter=wanted)

    def _claim(self, e: Experiment) -> None:
        claim = {**experiment_name_key(e.org_id, e.name), "experiment_id": e.id}
        self._uow.stage(
            lambda tx: tx.put(self.table, claim, condition=Attr("pk").not_exists()),
            on_condition=_name_taken(e.name),
        )

    def add(self, experiment: Experiment) -> None:
        self._stage_insert(self.to_item(experiment), on_condition=Conflict("experiment exists"))
        self._claim(experiment)

    def save(self, experiment: Experiment, *, old_name: str | None = None) -> None:
        self._stage_replace(
            self.to_item(experiment), version=experiment.version, on_condition=STALE_EXPERIMENT
        )
        if old_name is not None and old_name != experiment.name:
            old = experiment_name_key(experiment.org_id, old_name)
            self._uow.stage(lambda tx: tx.delete(self.table, old))
            self._claim(experiment)


def _point(raw: dict[str, Any], key: str) -> MetricPoint:
    return MetricPoint(key, float(raw["v"]), int(raw["t"]), int(raw["s"]))


class DynamoRunRepository(StagedRepository[Run]):
    table = "experiment-runs"

    def to_item(self, r: Run) -> dict[str, Any]:
        return {
            **run_key(r.org_id, r.id),
            **run_index_keys(r.org_id, r.experiment_id, r.status, r.started_at, r.id),
            "org_id": r.org_id,
            "id": r.id,
            "experiment_id": r.experiment_id,
            "project_id": r.project_id,
            "name": r.name,
            "status": r.status,
            "created_by": r.created_by,
            "started_at": r.started_at,
            "ended_at": r.ended_at,
            "params": dict(r.params),
            "tags": dict(r.tags),
            "datasets": [
                {"dataset_id": d.dataset_id, "version": d.version, "context": d.context}
                for d in r.datasets
            ],
            "latest_metrics": self._latest(r.latest_metrics),
            "metrics_seq": r.metrics_seq,
        }

    @staticmethod
    def _latest(latest: dict[str, MetricPoint]) -> dict[str, Any]:
        return {k: {"v": p.value, "t": p.timestamp, "s": p.step} for k, p in latest.items()}

    def from_item(self, item: dict[str, Any]) -> Run:
        return Run(
            org_id=item["org_id"],
            id=item["id"],
            experiment_id=item["experiment_id"],
            project_id=item["project_id"],
            name=item["name"],
            created_by=item["created_by"],
            started_at=item["started_at"],
            status=item["status"],
            ended_at=item.get("ended_at"),
            params=dict(item.get("params") or {}),
            tags=dict(item.get("tags") or {}),
            datasets=tuple(DatasetUse(**d) for d in item.get("datasets") or ()),
            latest_metrics={k: _point(v, k) for k, v in (item.get("latest_metrics") or {}).items()},
            version=item.get("version", 0),
            metrics_seq=int(item.get("metrics_seq", 0)),
        )

    def get(self, org_id: str, run_id: str) -> Run | None:
        return self._get(run_key(org_id, run_id))

    def _candidates_key(self, org_id: str, experiment_id: str, status: str | None) -> Any:
        if status is None:
            return "gsi1", Key("gsi1pk").eq(experiment_runs_partition(org_id, experiment_id))
        return "gsi2", Key("gsi2pk").eq(status_runs_partition(org_id, experiment_id, status))

    def list_experiment(
        self, org_id: str, experiment_id: str, *, status: str | None, page: PageRequest
    ) -> Page[Run]:
        index, key = self._candidates_key(org_id, experiment_id, status)
        return self._query_page(key, index=index, page=page, scan_forward=False)

    def search(
        self,
        org_id: str,
        experiment_id: str,
        *,
        status: str | None,
        query: RunQuery,
        page: PageRequest,
    ) -> Page[Run]:
        """Reads the newest SEARCH_BOUND runs (Query pages of the index), filters and sorts
        them; the cursor holds the last sort key returned, signed for this very search."""
        index, key = self._candidates_key(org_id, experiment_id, status)
        request = query_request(key, index=index, scan_forward=False, filter=None, consistent=False)
        items = collect(
            self._client, self.table, request, start=None, wanted=SEARCH_BOUND, keep=bool
        )
        runs = [r for r in (self._entity(i) for i in items) if r is not None]
        ordered = query.apply(runs)
        keys = [list(query.sort_key(r)) for r in ordered]
        digest = hashlib.sha256(json.dumps([request, repr(query)], sort_keys=True).encode())
        scope = f"{self.table}:search:{digest.hexdigest()}"
        start = 0
        if page.cursor:
            after = json.loads(self._cursors.decode(page.cursor, scope)["after"]["S"])
            start = bisect_right(keys, after)
        chosen = ordered[start : start + page.limit]
        cursor = None
        if start + page.limit < len(ordered):
            last = {"after": {"S": json.dumps(keys[start + page.limit - 1])}}
            cursor = self._cursors.encode(last, scope)
        return Page(chosen, cursor)

    def add(self, run: Run) -> None:
        self._stage_insert(self.to_item(run), on_condition=Conflict("run exists"))

    def save(self, run: Run) -> None:
        """Sets what a run edit changes, leaving the latest metrics (and their sequence) to
        the metric loggers, who write them without touching the version."""
        item = self.to_item(run)
        edited = {k: v for k, v in item.items() if k not in (*_KEY, *_BOOKKEEPING)}
        removed = [k for k, v in edited.items() if v is None]
        self._stage_update(
            run_key(run.org_id, run.id),
            version=run.version,
            on_condition=STALE_RUN,
            set={k: v for k, v in edited.items() if v is not None},
            remove=removed,
        )

    def record_latest(self, run: Run, latest: dict[str, MetricPoint]) -> bool:
        expressions = Expressions()
        changes = {"latest_metrics": self._latest(latest), "metrics_seq": run.metrics_seq + 1}
        update = expressions.update(set_=encode_item(changes))
        seen: ConditionBase = Attr("metrics_seq").eq(run.metrics_seq)
        if run.metrics_seq == 0:
            seen = seen | Attr("metrics_seq").not_exists()
        condition = expressions.condition(Attr("pk").exists() & seen)
        try:
            self._client.update_item(
                self.table,
                Key=self._key(run_key(run.org_id, run.id)),
                UpdateExpression=update,
                ConditionExpression=condition,
                on_condition=PreconditionFailed,
                **expressions.params(),
            )
        except PreconditionFailed:
            return False
        return True


class DynamoTrackingUnitOfWork(DynamoUnitOfWork):
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
        self.experiments = DynamoExperimentRepository(self, **shared)
        self.runs = DynamoRunRepository(self, **shared)
        self.lineage = DynamoDatasetLineage(self, **shared)  # a run's datasets (lineage)
