"""The one key builder of the tracking tables: `experiments`, `experiment-runs` and
`metrics-timeseries` (points packed into buckets of BUCKET_STEPS steps per item)."""

from __future__ import annotations

from datetime import datetime

from domains.shared.clock import isoformat

# A bucket holds the points of BUCKET_STEPS consecutive steps. An append is charged on the
# whole item it leaves (DynamoDB charges the larger of before and after), so a bucket is
# kept small (about 3 KB full) to keep one-point appends near 1-3 write units, while a
# 1,000-point batch costs the same bytes however the steps are cut.
BUCKET_STEPS = 100
# One bucket item holds at most PART_POINTS points (about 11 KB); many points at one step
# (MLflow's default step is 0) spill into further parts of the bucket.
PART_POINTS = 400


def experiment_key(org_id: str, experiment_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": f"EXP#{experiment_id}"}


def experiment_name_key(org_id: str, name: str) -> dict[str, str]:
    """The organisation's claim on a name (MLflow: names are unique)."""
    return {"pk": f"ORG#{org_id}", "sk": f"EXPNAME#{name}"}


def project_experiments_partition(org_id: str, project_id: str) -> str:
    return f"ORG#{org_id}#PROJECT#{project_id}"


def experiment_index_keys(
    org_id: str, project_id: str, updated_at: datetime, experiment_id: str
) -> dict[str, str]:
    """gsi1: a project's experiments by last update."""
    return {
        "gsi1pk": project_experiments_partition(org_id, project_id),
        "gsi1sk": f"{isoformat(updated_at)}#{experiment_id}",
    }


def run_key(org_id: str, run_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}#RUN#{run_id}", "sk": "RUN"}


def experiment_runs_partition(org_id: str, experiment_id: str) -> str:
    return f"ORG#{org_id}#EXP#{experiment_id}"


def status_runs_partition(org_id: str, experiment_id: str, status: str) -> str:
    return f"ORG#{org_id}#EXP#{experiment_id}#STATUS#{status}"


def run_index_keys(
    org_id: str, experiment_id: str, status: str, started_at: datetime, run_id: str
) -> dict[str, str]:
    """gsi1: an experiment's runs by start; gsi2: those with a status, by start."""
    stamp = f"{isoformat(started_at)}#{run_id}"
    return {
        "gsi1pk": experiment_runs_partition(org_id, experiment_id),
        "gsi1sk": stamp,
        "gsi2pk": status_runs_partition(org_id, experiment_id, status),
        "gsi2sk": stamp,
    }


def metric_partition(org_id: str, run_id: str, key: str) -> str:
    return f"ORG#{org_id}#RUN#{run_id}#M#{key}"


def bucket_of(step: int) -> int:
    """Below 10**10 for every step the model allows (MAX_STEP 10**12), so the padded number
    sorts as the number does."""
    return step // BUCKET_STEPS


def bucket_prefix(bucket: int) -> str:
    return f"B#{bucket:010d}#"


def bucket_key(org_id: str, run_id: str, key: str, bucket: int, part: int) -> dict[str, str]:
    return {"pk": metric_partition(org_id, run_id, key), "sk": f"{bucket_prefix(bucket)}{part:04d}"}


def bucket_range(step_from: int, step_to: int) -> tuple[str, str]:
    """The sort keys BETWEEN which the buckets of a step range lie (every part included)."""
    return bucket_prefix(bucket_of(step_from)), f"{bucket_prefix(bucket_of(step_to))}~"
