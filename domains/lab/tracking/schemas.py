"""The tracking API contract: experiments, runs, params, metric batches and histories."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from domains.lab.tracking.model import (
    MAX_BATCH_METRICS,
    MAX_BATCH_PARAMS,
    MAX_BATCH_TAGS,
    MAX_STEP,
)


class ExperimentIn(Schema):
    project_id: str = Field(..., min_length=1, max_length=64)
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    tags: dict[str, str] = Field(default_factory=dict)


class ExperimentPut(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    tags: dict[str, str] | None = None


class ExperimentListParams(Schema):
    project_id: str | None = Field(None, min_length=1, max_length=64)
    lifecycle: Literal["active", "deleted", "all"] = "active"


class ExperimentOut(Schema):
    id: str
    project_id: str
    name: str
    description: str
    tags: dict[str, str]
    lifecycle_stage: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    version: int


class RunDatasetIn(Schema):
    dataset_id: str = Field(..., min_length=1, max_length=64)
    version: str = Field(..., min_length=1, max_length=64)
    context: str = Field("", max_length=64)


class RunDatasetOut(Schema):
    dataset_id: str
    version: str
    context: str


class RunIn(Schema):
    name: str = Field("", max_length=200)
    status: Literal["scheduled", "running"] = "running"
    started_at: datetime | None = None
    params: dict[str, str] = Field(default_factory=dict, max_length=MAX_BATCH_PARAMS)
    tags: dict[str, str] = Field(default_factory=dict, max_length=MAX_BATCH_TAGS)
    datasets: list[RunDatasetIn] = Field(default_factory=list, max_length=50)


class RunPatch(Schema):
    status: Literal["scheduled", "running", "finished", "failed", "killed"] | None = None
    ended_at: datetime | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    tags: dict[str, str] | None = Field(None, max_length=MAX_BATCH_TAGS)
    delete_tags: list[str] = Field(default_factory=list, max_length=MAX_BATCH_TAGS)
    datasets: list[RunDatasetIn] = Field(default_factory=list, max_length=50)
    error: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$",
        description="the error's kind (`OutOfMemory`, `cuda.OOM`), when the run ends failed "
        "or killed: published in RunFinished for the error patterns, not kept on the run",
    )


class RunParamsIn(Schema):
    params: dict[str, str] = Field(..., max_length=MAX_BATCH_PARAMS)
    tags: dict[str, str] = Field(default_factory=dict, max_length=MAX_BATCH_TAGS)


class RunSearchParams(Schema):
    status: Literal["scheduled", "running", "finished", "failed", "killed"] | None = None
    filter: str | None = Field(
        None,
        max_length=2000,
        description="`metrics.<k> <op> <n>`, `params.<k> = '<v>'`, `tags.<k> != '<v>'`, "
        "`attributes.status = '<s>'`, joined by `and`. Filtered or sorted searches look at "
        "the experiment's newest 1,000 runs (of the status, when given).",
    )
    order_by: str | None = Field(
        None, max_length=300, description="`metrics.<k> [ASC|DESC]` or `attributes.start_time`"
    )


class MetricValueOut(Schema):
    value: float
    step: int
    timestamp: int


class RunOut(Schema):
    id: str
    experiment_id: str
    project_id: str
    name: str
    status: str
    created_by: str
    started_at: datetime
    ended_at: datetime | None = None
    duration_ms: int | None = None
    params: dict[str, str]
    tags: dict[str, str]
    datasets: list[RunDatasetOut]
    metrics: dict[str, MetricValueOut]
    version: int


class MetricPointIn(Schema):
    key: str = Field(..., min_length=1, max_length=250)
    value: float
    timestamp: int | None = Field(None, ge=0, description="ms since the epoch (default: now)")
    step: int = Field(0, ge=0, lt=MAX_STEP)


class MetricBatchIn(Schema):
    metrics: list[MetricPointIn] = Field(..., min_length=1, max_length=MAX_BATCH_METRICS)
    batch_id: str | None = Field(
        None, min_length=1, max_length=128, description="Idempotency: else the Idempotency-Key"
    )


class MetricBatchOut(Schema):
    batch_id: str
    received: int
    written: int
    keys: list[str]


class MetricHistoryParams(Schema):
    step_from: int = Field(0, ge=0)
    step_to: int | None = Field(None, ge=0)
    time_from: int | None = Field(None, ge=0)
    time_to: int | None = Field(None, ge=0)
    max_points: int = Field(1000, ge=2, le=10_000)


class RunMetricPointOut(Schema):
    step: int
    timestamp: int
    value: float


class MetricHistoryOut(Schema):
    key: str
    total: int
    downsampled: bool
    points: list[RunMetricPointOut]
