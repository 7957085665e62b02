"""The model registry's API contract. In a registry `version` is a model version's number;
each stored thing's own optimistic-locking number (its ETag) is `revision`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, Self

from ninja import Schema
from pydantic import Field, field_validator, model_validator

Stage = Literal["none", "staging", "production", "archived"]
DeployStatus = Literal["pending", "deploying", "deployed", "failed", "retired"]
DeployTarget = Literal["deploying", "deployed", "failed", "retired"]
MAX_VERSION = 99_999_999


def utc(moment: datetime | None) -> datetime | None:
    """A time without a zone is taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError as e:  # 0001-01-01T00:00+01:00 is before the year 1 in UTC
        raise ValueError("out of range once in UTC") from e


class ModelVersionIn(Schema):
    artifact_uri: str = Field(..., min_length=1, max_length=1100, examples=["s3://models/churn/3"])
    source_run_id: str | None = Field(None, min_length=1, max_length=40)
    signature: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, float] = Field(default_factory=dict, max_length=50)
    description: str = Field("", max_length=2000)


class ModelRegisterIn(Schema):
    """A new model (name, task, framework, project; optionally its version 1), or a new
    version of an existing model (`model_id` and `version`)."""

    model_id: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=100)
    task: str | None = Field(None, min_length=1, max_length=40)
    framework: str | None = Field(None, min_length=1, max_length=40)
    project_id: str | None = Field(None, min_length=1, max_length=40)
    description: str = Field("", max_length=2000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    version: ModelVersionIn | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Self:
        model_fields = (self.name, self.task, self.framework, self.project_id)
        if self.model_id is not None:
            if self.version is None or any(f is not None for f in model_fields):
                raise ValueError("with model_id, give a version and no model fields")
        elif any(f is None for f in model_fields):
            raise ValueError("a new model needs name, task, framework and project_id")
        return self


class ModelDeploymentChangeOut(Schema):
    status: str
    changed_at: datetime
    changed_by: str
    note: str


class ModelVersionOut(Schema):
    model_id: str
    version: int
    model_name: str
    task: str
    framework: str
    project_id: str
    artifact_uri: str
    source_run_id: str | None
    signature: dict[str, Any]
    metrics: dict[str, float]
    description: str
    stage: str
    stage_changed_at: datetime | None
    deployment_status: str
    endpoint: dict[str, Any]
    history: list[ModelDeploymentChangeOut]
    created_by: str
    created_at: datetime
    updated_at: datetime
    revision: int


class RegisteredModelOut(Schema):
    id: str
    name: str
    task: str
    framework: str
    project_id: str
    description: str
    tags: list[str]
    latest_version: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    revision: int


class ModelAliasOut(Schema):
    """`version` is the model version it points to; `revision` is the alias's own (ETag)."""

    alias: str
    version: int
    updated_by: str
    updated_at: datetime
    revision: int


class ModelDetailOut(RegisteredModelOut):
    production_version: int | None
    aliases: list[ModelAliasOut]
    versions: list[ModelVersionOut]
    next_cursor: str | None = None


class ModelRegisteredOut(Schema):
    model: RegisteredModelOut
    version: ModelVersionOut | None


class RegistryEntryOut(Schema):
    """A model (`kind` model, `version` null), or one of its versions (`kind` version) when
    the list was asked for a run, a status or a stage."""

    kind: Literal["model", "version"]
    model_id: str
    name: str
    task: str
    framework: str
    project_id: str
    updated_at: datetime
    latest_version: int | None = None
    tags: list[str] = Field(default_factory=list)
    version: ModelVersionOut | None = None


class RegistryListParams(Schema):
    status: DeployStatus | None = None
    stage: Stage | None = None
    project_id: str | None = Field(None, min_length=1, max_length=40)
    task: str | None = Field(None, min_length=1, max_length=40)
    run_id: str | None = Field(None, min_length=1, max_length=40)


class ModelStageIn(Schema):
    stage: Stage


class ModelStageOut(ModelVersionOut):
    replaced: int | None = Field(None, description="the version moved out of production")


class ModelEndpointIn(Schema):
    url: str | None = Field(None, max_length=2048, pattern=r"^https?://\S+$")
    instance_type: str | None = Field(None, min_length=1, max_length=100)
    region: str | None = Field(None, min_length=1, max_length=40)
    replicas: int | None = Field(None, ge=0, le=10_000)
    framework_version: str | None = Field(None, min_length=1, max_length=40)


class ModelDeployIn(Schema):
    version: int = Field(..., ge=1, le=MAX_VERSION)
    status: DeployTarget
    endpoint: ModelEndpointIn | None = None
    note: str = Field("", max_length=500)


class ModelAliasIn(Schema):
    version: int = Field(..., ge=1, le=MAX_VERSION)


class ModelMetricsIn(Schema):
    version: int = Field(..., ge=1, le=MAX_VERSION)
    values: dict[str, float] = Field(..., min_length=1, max_length=50)
    at: datetime | None = Field(None, description="when measured (default: now)")

    _utc = field_validator("at")(utc)


class ModelMetricPointOut(Schema):
    id: str
    version: int
    at: datetime
    values: dict[str, float]
    recorded_by: str


class ModelMetricsParams(Schema):
    version: int | None = Field(None, ge=1, le=MAX_VERSION)
    start: datetime | None = Field(None, alias="from")
    end: datetime | None = Field(None, alias="to")

    _utc = field_validator("start", "end")(utc)
