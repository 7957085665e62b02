"""MLflow's wire shapes (pure: no I/O, no framework): our experiments, runs, metric points,
models and versions as MLflow's JSON, MLflow's key/value lists and statuses as ours, and our
domain errors as MLflow's `{"error_code", "message"}` with its HTTP status."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from domains.lab.registry.model import ModelAlias, ModelVersion, RegisteredModel
from domains.lab.tracking.model import Experiment, MetricPoint, Run
from domains.shared import errors as e

PROJECT_TAG = "nexus.project_id"  # names the project of an experiment or model created
TASK_TAG, FRAMEWORK_TAG = "nexus.task", "nexus.framework"
DEFAULT_TASK, DEFAULT_FRAMEWORK = "general", "mlflow"
VIEW_TYPES = {"ACTIVE_ONLY": "active", "DELETED_ONLY": "deleted", "ALL": "all"}
STAGES = {"none": "None", "staging": "Staging", "production": "Production", "archived": "Archived"}

# MLflow's error codes and the HTTP status its server answers each with.
NOT_FOUND, INVALID, EXISTS = (
    "RESOURCE_DOES_NOT_EXIST",
    "INVALID_PARAMETER_VALUE",
    "RESOURCE_ALREADY_EXISTS",
)
CODES: tuple[tuple[type[e.DomainError], str, int], ...] = (
    (e.NotFound, NOT_FOUND, 404),
    (e.Forbidden, "PERMISSION_DENIED", 403),
    (e.Unauthenticated, "UNAUTHENTICATED", 401),
    (e.PreconditionFailed, "INVALID_STATE", 400),
    (e.ValidationFailed, INVALID, 400),
    (e.PayloadTooLarge, INVALID, 400),
    (e.Throttled, "REQUEST_LIMIT_EXCEEDED", 429),
    (e.Unavailable, "TEMPORARILY_UNAVAILABLE", 503),
)


def error_body(code: str, message: str) -> dict[str, str]:
    return {"error_code": code, "message": message}


def _loc(raw: object) -> str:
    return ".".join(str(part) for part in raw) if isinstance(raw, list | tuple) else str(raw)


def error_of(exc: e.DomainError) -> tuple[int, dict[str, str]]:
    """MLflow's status and body for a domain error. A Conflict over a name (a claim taken)
    is RESOURCE_ALREADY_EXISTS, which `mlflow.set_experiment` and friends act on; any other
    Conflict (an immutable param, a deleted experiment, a status moving back) is invalid."""
    message = exc.detail
    if isinstance(exc, e.ValidationFailed) and exc.errors:
        where = "; ".join(f"{_loc(x.get('loc'))}: {x.get('msg')}" for x in exc.errors)
        message = f"{exc.detail} ({where})"
    if isinstance(exc, e.Conflict):
        named = "name" in exc.context or " named " in exc.detail
        return 400, error_body(EXISTS if named else INVALID, message)
    for kind, code, status in CODES:
        if isinstance(exc, kind):
            return status, error_body(code, message)
    return 500, error_body("INTERNAL_ERROR", message)


def ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def from_ms(raw: Any, field_name: str) -> datetime | None:
    if raw in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(int(raw) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise e.ValidationFailed(
            f"{field_name} is milliseconds since the epoch",
            errors=[{"loc": [field_name], "msg": "an integer"}],
        ) from None


def pairs(raw: Any, field_name: str) -> dict[str, str]:
    """MLflow's `[{"key": k, "value": v}, ...]` as a mapping (values as strings)."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, list) or not all(isinstance(p, dict) and "key" in p for p in raw):
        raise e.ValidationFailed(
            f"{field_name} is a list of {{key, value}}",
            errors=[{"loc": [field_name], "msg": "a list of {key, value}"}],
        )
    return {str(p["key"]): "" if p.get("value") is None else str(p["value"]) for p in raw}


def key_values(mapping: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in sorted(mapping.items())]


def experiment(x: Experiment, artifact_root: str) -> dict[str, Any]:
    return {
        "experiment_id": x.id,
        "name": x.name,
        "artifact_location": f"{artifact_root}/{x.id}",
        "lifecycle_stage": x.lifecycle_stage,
        "last_update_time": ms(x.updated_at),
        "creation_time": ms(x.created_at),
        "tags": key_values({**x.tags, PROJECT_TAG: x.project_id}),
    }


def metric(p: MetricPoint) -> dict[str, Any]:
    return {"key": p.key, "value": p.value, "timestamp": p.timestamp, "step": p.step}


def run_status(raw: Any) -> str:
    """MLflow's RUNNING, FINISHED, ... as ours (running, finished, ...)."""
    return str(raw).lower()


def run(r: Run, artifact_root: str) -> dict[str, Any]:
    info = {
        "run_id": r.id,
        "run_uuid": r.id,
        "run_name": r.name,
        "experiment_id": r.experiment_id,
        "user_id": r.created_by,
        "status": r.status.upper(),
        "start_time": ms(r.started_at),
        "artifact_uri": f"{artifact_root}/{r.experiment_id}/{r.id}/artifacts",
        "lifecycle_stage": "active",
    }
    if r.ended_at is not None:
        info["end_time"] = ms(r.ended_at)
    data = {
        "metrics": [metric(p) for _, p in sorted(r.latest_metrics.items())],
        "params": key_values(r.params),
        "tags": key_values({"mlflow.runName": r.name, **r.tags}),
    }
    inputs = {
        "dataset_inputs": [
            {
                "tags": [{"key": "mlflow.data.context", "value": d.context}] if d.context else [],
                "dataset": {"name": d.dataset_id, "digest": d.version, "source_type": "nexus"},
            }
            for d in r.datasets
        ]
    }
    return {"info": info, "data": data, "inputs": inputs}


def model_version(v: ModelVersion, aliases: Iterable[ModelAlias] = ()) -> dict[str, Any]:
    return {
        "name": v.model_name,
        "version": str(v.number),
        "creation_timestamp": ms(v.created_at),
        "last_updated_timestamp": ms(v.updated_at),
        "current_stage": STAGES.get(v.stage, "None"),
        "description": v.description,
        "source": v.artifact_uri,
        "run_id": v.source_run_id or "",
        "status": "READY",  # registration is synchronous here: nothing to wait for
        "user_id": v.created_by,
        "aliases": sorted(a.alias for a in aliases if a.number == v.number),
        "tags": [],
    }


def registered_model(
    m: RegisteredModel,
    aliases: Iterable[ModelAlias] = (),
    latest: Iterable[ModelVersion] = (),
) -> dict[str, Any]:
    held = list(aliases)
    return {
        "name": m.name,
        "creation_timestamp": ms(m.created_at),
        "last_updated_timestamp": ms(m.updated_at),
        "description": m.description,
        "user_id": m.created_by,
        "latest_versions": [model_version(v, held) for v in latest],
        "aliases": [{"alias": a.alias, "version": str(a.number)} for a in held],
        "tags": key_values(
            {PROJECT_TAG: m.project_id, TASK_TAG: m.task, FRAMEWORK_TAG: m.framework}
        ),
    }


def stage_of(raw: Any) -> str:
    """MLflow's `Staging`, `production`, `None` ... as ours."""
    wanted = str(raw or "").strip().lower()
    for ours in STAGES:
        if wanted == ours:
            return ours
    raise e.ValidationFailed(
        f"stage is one of {sorted(STAGES.values())}", errors=[{"loc": ["stage"], "msg": "a stage"}]
    )
