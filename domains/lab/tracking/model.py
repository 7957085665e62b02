"""Experiments and runs: what they are and the rules that keep them whole (no I/O).

MLflow's semantics hold: a run is addressed by its id alone, its params are immutable once
logged (the same value again is fine), its tags are mutable, and its status moves forward
only (scheduled -> running -> finished | failed | killed).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domains.shared.errors import Conflict, PayloadTooLarge, ValidationFailed

ACTIVE, DELETED = "active", "deleted"
RUN_STATUSES = ("scheduled", "running", "finished", "failed", "killed")
TERMINAL = frozenset({"finished", "failed", "killed"})
TRANSITIONS: dict[str, frozenset[str]] = {
    "scheduled": frozenset({"running", "failed", "killed"}),
    "running": frozenset({"finished", "failed", "killed"}),
}
# MLflow's log-batch limits, and ours on one run item (it stays far below 400 KB).
MAX_BATCH_METRICS, MAX_BATCH_PARAMS, MAX_BATCH_TAGS = 1000, 100, 100
MAX_PARAMS, MAX_TAGS, MAX_METRIC_KEYS, MAX_DATASETS = 500, 150, 500, 50
MAX_KEY_CHARS, MAX_PARAM_CHARS, MAX_TAG_CHARS = 250, 500, 5000
KEY_RE = re.compile(r"^[A-Za-z0-9_\-. /]{1,250}$")  # MLflow's key alphabet
# Steps below 10**12 keep a bucket number within the 10 digits its sort key is padded to
# (BUCKET_STEPS 100); timestamps (ms) below 10**15 survive JSON and float round trips.
MAX_STEP, MAX_TIMESTAMP = 10**12, 10**15

Problem = dict[str, Any]


def invalid(loc: list[Any], message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"loc": loc, "msg": message}])


def check_name(raw: str, field_name: str = "name") -> str:
    name = raw.strip()
    if not 1 <= len(name) <= 200:
        raise invalid([field_name], "1 to 200 characters")
    return name


def check_key(raw: str, loc: list[Any]) -> str:
    if not isinstance(raw, str) or not KEY_RE.match(raw) or ".." in raw or raw.startswith("/"):
        raise invalid(loc, "1-250 of letters, digits, _ - . / and space (no '..', no leading /)")
    return raw


def check_pairs(
    pairs: Mapping[str, str], field_name: str, *, limit: int, value_chars: int
) -> dict[str, str]:
    """Keys in MLflow's alphabet, values strings up to `value_chars`, at most `limit`."""
    if len(pairs) > limit:
        raise invalid([field_name], f"at most {limit} entries")
    checked: dict[str, str] = {}
    for key, value in pairs.items():
        check_key(key, [field_name, key])
        if not isinstance(value, str) or len(value) > value_chars:
            raise invalid([field_name, key], f"a string of at most {value_chars} characters")
        checked[key] = value
    return checked


@dataclass(frozen=True)
class Experiment:
    org_id: str
    id: str
    project_id: str
    name: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    lifecycle_stage: str = ACTIVE
    deleted_at: datetime | None = None
    version: int = 0

    @property
    def active(self) -> bool:
        return self.lifecycle_stage == ACTIVE


@dataclass(frozen=True)
class DatasetUse:
    """A dataset version a run used (lineage): the registry's ids, stored on the run."""

    dataset_id: str
    version: str
    context: str = ""  # MLflow's input tag `mlflow.data.context`: training, eval, ...


@dataclass(frozen=True)
class MetricPoint:
    key: str
    value: float
    timestamp: int  # milliseconds since the epoch, as MLflow sends it
    step: int = 0

    def newer_than(self, other: MetricPoint | None) -> bool:
        """MLflow's latest value: the highest step, then the latest timestamp."""
        return other is None or (self.step, self.timestamp) >= (other.step, other.timestamp)


def check_point(p: MetricPoint, i: int) -> MetricPoint:
    check_key(p.key, ["metrics", i, "key"])
    value = float(p.value)
    if not math.isfinite(value):
        raise invalid(["metrics", i, "value"], "a finite number (NaN and infinity are refused)")
    if not 0 <= p.step < MAX_STEP:
        raise invalid(["metrics", i, "step"], f"from 0 to {MAX_STEP - 1}")
    if not 0 <= p.timestamp < MAX_TIMESTAMP:
        raise invalid(["metrics", i, "timestamp"], "milliseconds since the epoch")
    return MetricPoint(p.key, value, int(p.timestamp), int(p.step))


@dataclass(frozen=True)
class Run:
    org_id: str
    id: str
    experiment_id: str
    project_id: str
    name: str
    created_by: str
    started_at: datetime
    status: str = "running"
    ended_at: datetime | None = None
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    datasets: tuple[DatasetUse, ...] = ()
    latest_metrics: dict[str, MetricPoint] = field(default_factory=dict)
    version: int = 0
    metrics_seq: int = 0  # bumped by metric logging, which leaves `version` (the ETag) alone

    @property
    def duration_ms(self) -> int | None:
        if self.ended_at is None:
            return None
        return int((self.ended_at - self.started_at).total_seconds() * 1000)


MAX_RUN_TEXT = 300_000  # characters of params and tags: the run item stays under 400 KB


def check_run_size(run: Run) -> Run:
    """A run is one item (DynamoDB's 400 KB limit): its params and tags together are bounded."""
    pairs = (*run.params.items(), *run.tags.items())
    if sum(len(k) + len(v) for k, v in pairs) > MAX_RUN_TEXT:
        raise PayloadTooLarge(
            f"a run's params and tags hold at most {MAX_RUN_TEXT:,} characters together"
        )
    return run


def check_status(raw: str) -> str:
    if raw not in RUN_STATUSES:
        raise invalid(["status"], f"one of {list(RUN_STATUSES)}")
    return raw


def check_transition(current: str, wanted: str) -> None:
    """Forward only; asking for the status a run has is a no-op, not an error."""
    if wanted != current and wanted not in TRANSITIONS.get(current, frozenset()):
        raise Conflict(f"a {current} run cannot become {wanted}", status=current)


def merged_params(current: Mapping[str, str], logged: Mapping[str, str]) -> dict[str, str]:
    """Params are immutable: the same value again is fine, a different one is a Conflict."""
    clashes = sorted(k for k, v in logged.items() if k in current and current[k] != v)
    if clashes:
        raise Conflict(
            f"params are immutable once logged: {', '.join(clashes)}",
            errors=[
                {"loc": ["params", k], "msg": "already logged with another value"} for k in clashes
            ],
        )
    merged = {**current, **logged}
    if len(merged) > MAX_PARAMS:
        raise invalid(["params"], f"a run holds at most {MAX_PARAMS} params")
    return merged


def latest_of(
    current: Mapping[str, MetricPoint], points: list[MetricPoint]
) -> dict[str, MetricPoint]:
    """The run's latest value per key after `points` (unchanged keys keep their point)."""
    latest = dict(current)
    for p in points:
        if p.newer_than(latest.get(p.key)):
            latest[p.key] = p
    if len(latest) > MAX_METRIC_KEYS:
        raise invalid(["metrics"], f"a run holds at most {MAX_METRIC_KEYS} metric keys")
    return latest
