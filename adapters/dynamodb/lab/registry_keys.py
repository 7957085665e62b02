"""The one key builder of the registry's two tables: `models` (the catalogue: MODEL#<id> and
the MODELNAME#<lower(name)> claim in the organisation's partition) and `lab-model-registry`
(one partition per model: V#<n:08d> versions, STAGE#<stage> pointers, ALIAS#<alias>, and
METRIC#<n:08d>#<time>#<id> points that sort by version, then time)."""

from __future__ import annotations

from datetime import datetime

from adapters.dynamodb.codec import format_datetime

MODELS_TABLE = "models"
REGISTRY_TABLE = "lab-model-registry"
MODEL_PREFIX = "MODEL#"
VERSION_PREFIX = "V#"
ALIAS_PREFIX = "ALIAS#"
METRIC_PREFIX = "METRIC#"
AFTER_ALL = "~"  # sorts after every time and id character


def org_partition(org_id: str) -> str:
    return f"ORG#{org_id}"


def model_key(org_id: str, model_id: str) -> dict[str, str]:
    return {"pk": org_partition(org_id), "sk": f"{MODEL_PREFIX}{model_id}"}


def name_key(org_id: str, name: str) -> dict[str, str]:
    """The claim that keeps a name unique in the organisation, whatever its case."""
    return {"pk": org_partition(org_id), "sk": f"MODELNAME#{name.lower()}"}


def project_partition(org_id: str, project_id: str) -> str:
    return f"ORG#{org_id}#PROJECT#{project_id}"


def task_partition(org_id: str, task: str) -> str:
    return f"ORG#{org_id}#TASK#{task}"


def model_index_keys(
    org_id: str, model_id: str, project_id: str, task: str, updated_at: datetime
) -> dict[str, str]:
    """gsi1: a project's models, gsi2: a task's, both by last update."""
    stamp = f"{format_datetime(updated_at)}#{model_id}"
    return {
        "gsi1pk": project_partition(org_id, project_id),
        "gsi1sk": stamp,
        "gsi2pk": task_partition(org_id, task),
        "gsi2sk": stamp,
    }


def registry_partition(org_id: str, model_id: str) -> str:
    return f"ORG#{org_id}#MODEL#{model_id}"


def version_key(org_id: str, model_id: str, number: int) -> dict[str, str]:
    return {"pk": registry_partition(org_id, model_id), "sk": f"{VERSION_PREFIX}{number:08d}"}


def stage_key(org_id: str, model_id: str, stage: str) -> dict[str, str]:
    return {"pk": registry_partition(org_id, model_id), "sk": f"STAGE#{stage}"}


def alias_key(org_id: str, model_id: str, alias: str) -> dict[str, str]:
    return {"pk": registry_partition(org_id, model_id), "sk": f"{ALIAS_PREFIX}{alias}"}


def metric_prefix(number: int) -> str:
    return f"{METRIC_PREFIX}{number:08d}#"


def metric_key(
    org_id: str, model_id: str, number: int, at: datetime, point_id: str
) -> dict[str, str]:
    sk = f"{metric_prefix(number)}{format_datetime(at)}#{point_id}"
    return {"pk": registry_partition(org_id, model_id), "sk": sk}


def metric_range(number: int, start: datetime | None, end: datetime | None) -> tuple[str, str]:
    """The sort-key bounds (inclusive) of a version's points from `start` to `end`."""
    low = metric_prefix(number) + (format_datetime(start) if start else "")
    high = metric_prefix(number) + (format_datetime(end) + "#" if end else "") + AFTER_ALL
    return low, high


def deploy_partition(org_id: str, status: str) -> str:
    return f"ORG#{org_id}#DEPLOY#{status}"


def stage_partition(org_id: str, stage: str) -> str:
    return f"ORG#{org_id}#STAGE#{stage}"


def run_partition(org_id: str, run_id: str) -> str:
    return f"ORG#{org_id}#RUN#{run_id}"


def version_index_keys(
    org_id: str,
    model_id: str,
    number: int,
    *,
    project_id: str,
    status: str,
    stage: str,
    run_id: str | None,
    updated_at: datetime,
) -> dict[str, str | None]:
    """gsi1 a project's versions, gsi2 by deployment status, gsi3 by stage (all by last
    update), gsi4 (sparse: only versions with a source run) a run's versions."""
    stamp = f"{format_datetime(updated_at)}#{model_id}#{number:08d}"
    return {
        "gsi1pk": project_partition(org_id, project_id),
        "gsi1sk": stamp,
        "gsi2pk": deploy_partition(org_id, status),
        "gsi2sk": stamp,
        "gsi3pk": stage_partition(org_id, stage),
        "gsi3sk": stamp,
        "gsi4pk": run_partition(org_id, run_id) if run_id else None,
        "gsi4sk": f"{model_id}#{number:08d}" if run_id else None,
    }
