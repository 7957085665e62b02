"""Datasets' API contract. `version` is a dataset version's number; each stored thing's own
optimistic-locking number (its ETag) is `revision`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

DatasetFormat = Literal["csv", "parquet", "json", "jsonl", "tfrecord", "images", "other"]
MAX_COUNT = 2**63 - 1
S3_URI = r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\S{0,1000})?$"
SHA256 = r"^(sha256:)?[0-9a-fA-F]{64}$"


class DatasetColumnIn(Schema):
    name: str = Field(..., min_length=1, max_length=128)
    type: str = Field(..., min_length=1, max_length=64, examples=["int64"])
    description: str = Field("", max_length=500)


class DatasetColumnOut(Schema):
    name: str
    type: str
    description: str


class DatasetIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    project_id: str = Field(..., min_length=1, max_length=40)
    s3_uri: str = Field(
        ..., min_length=1, max_length=1100, pattern=S3_URI, examples=["s3://data/churn/"]
    )
    format: DatasetFormat
    description: str = Field("", max_length=2000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    columns: list[DatasetColumnIn] = Field(default_factory=list, max_length=500)
    size_bytes: int | None = Field(None, ge=0, le=MAX_COUNT)
    row_count: int | None = Field(None, ge=0, le=MAX_COUNT)


class DatasetPatch(Schema):
    """The metadata to change (name and project are fixed); fields left out stay."""

    description: str | None = Field(None, max_length=2000)
    tags: list[str] | None = Field(None, max_length=20)
    s3_uri: str | None = Field(None, min_length=1, max_length=1100, pattern=S3_URI)
    format: DatasetFormat | None = None
    columns: list[DatasetColumnIn] | None = Field(None, max_length=500)
    size_bytes: int | None = Field(None, ge=0, le=MAX_COUNT)
    row_count: int | None = Field(None, ge=0, le=MAX_COUNT)


class DatasetOut(Schema):
    id: str
    name: str
    project_id: str
    s3_uri: str
    format: str
    description: str
    tags: list[str]
    columns: list[DatasetColumnOut]
    size_bytes: int | None
    row_count: int | None
    latest_version: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    revision: int


class DatasetUseOut(Schema):
    """How a run used a dataset: which version, in what context (training, eval...)."""

    version: int
    run_id: str
    experiment_id: str
    project_id: str
    context: str
    used_by: str
    used_at: datetime


class DatasetListEntryOut(DatasetOut):
    used: DatasetUseOut | None = Field(None, description="with run_id: the version it used")


class DatasetListParams(Schema):
    project_id: str | None = Field(None, min_length=1, max_length=40)
    tag: str | None = Field(None, min_length=1, max_length=40)
    run_id: str | None = Field(None, min_length=1, max_length=40)


class DatasetVersionIn(Schema):
    s3_uri: str = Field(
        ..., min_length=1, max_length=1100, pattern=S3_URI, examples=["s3://data/churn/v2/"]
    )
    checksum: str = Field(..., pattern=SHA256, description="SHA-256: 64 hex digits")
    size_bytes: int | None = Field(None, ge=0, le=MAX_COUNT)
    row_count: int | None = Field(None, ge=0, le=MAX_COUNT)
    columns: list[DatasetColumnIn] | None = Field(None, max_length=500)
    description: str = Field("", max_length=2000)


class DatasetVersionOut(Schema):
    dataset_id: str
    version: int
    s3_uri: str
    checksum: str
    size_bytes: int | None
    row_count: int | None
    columns: list[DatasetColumnOut]
    description: str
    created_by: str
    created_at: datetime


class DatasetLineageVersionOut(Schema):
    version: int
    runs: list[DatasetUseOut]


class DatasetLineageOut(Schema):
    """The runs that used each version (a page of runs, grouped by version: a version whose
    runs go on may appear again at the top of the next page)."""

    dataset_id: str
    items: list[DatasetLineageVersionOut]
    next_cursor: str | None = None


class DatasetLineageParams(Schema):
    version: int | None = Field(None, ge=1, le=99_999_999)
