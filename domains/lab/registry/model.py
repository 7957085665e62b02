"""The model registry's entities and rules (no I/O): a model in a project, its numbered
versions with a stage (one production version at a time) and a deployment status that moves
only along TRANSITIONS, movable aliases, and performance metrics over time."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from domains.shared.errors import Conflict, ValidationFailed

STAGES = ("none", "staging", "production", "archived")
PRODUCTION = "production"
DEPLOY_STATUSES = ("pending", "deploying", "deployed", "failed", "retired")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("deploying",),
    "deploying": ("deployed", "failed"),
    "deployed": ("retired",),
    "failed": ("deploying",),
    "retired": (),
}
MAX_HISTORY = 100  # the newest changes kept on a version (deploying <-> failed may loop)
MAX_METRICS = 50
MAX_SIGNATURE_CHARS = 16_000
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$")
WORD_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
ALIAS_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
METRIC_RE = re.compile(r"^[A-Za-z0-9_.:/-]{1,64}$")
S3_URI_RE = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\S{1,1000}$")
URL_RE = re.compile(r"^https?://\S{1,2000}$")
ENDPOINT_FIELDS = ("url", "instance_type", "region", "replicas", "framework_version")


def invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"loc": [field_name], "msg": message}])


def check_name(raw: str) -> str:
    name = raw.strip()
    if not NAME_RE.match(name):
        raise invalid("name", "1-100 of letters, digits, space . _ -; a letter or digit first")
    return name


def check_word(field_name: str, raw: str) -> str:
    """A task or framework: a lowercase word (`classification`, `xgboost`)."""
    word = raw.strip().lower()
    if not WORD_RE.match(word):
        raise invalid(field_name, "1-40 of a-z 0-9 _ . -")
    return word


def check_stage(raw: str) -> str:
    if raw not in STAGES:
        raise invalid("stage", f"one of {list(STAGES)}")
    return raw


def check_status(raw: str) -> str:
    if raw not in DEPLOY_STATUSES:
        raise invalid("status", f"one of {list(DEPLOY_STATUSES)}")
    return raw


def check_alias(raw: str) -> str:
    if not ALIAS_RE.match(raw):
        raise invalid("alias", "1-40 of a-z 0-9 _ -, starting with a letter")
    return raw


def check_artifact(raw: str) -> str:
    if not S3_URI_RE.match(raw):
        raise invalid("artifact_uri", "an S3 URI: s3://<bucket>/<key>")
    return raw


def check_signature(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The model's inputs and outputs as JSON (kept as written, at most 16,000 characters)."""
    if len(json.dumps(raw, separators=(",", ":"))) > MAX_SIGNATURE_CHARS:
        raise invalid("signature", f"at most {MAX_SIGNATURE_CHARS} characters of JSON")
    return dict(raw)


def check_metrics(raw: Mapping[str, float]) -> dict[str, float]:
    """Named finite numbers (`auc` -> 0.91), at most MAX_METRICS."""
    if len(raw) > MAX_METRICS:
        raise invalid("metrics", f"at most {MAX_METRICS} metrics")
    found = []
    for name, value in raw.items():
        if not METRIC_RE.match(name):
            found.append({"loc": ["metrics", name], "msg": "1-64 of A-Z a-z 0-9 _ . : / -"})
        elif isinstance(value, bool) or not isinstance(value, int | float):
            found.append({"loc": ["metrics", name], "msg": "a number"})
        elif not math.isfinite(value):
            found.append({"loc": ["metrics", name], "msg": "a finite number"})
    if found:
        raise ValidationFailed("the metrics are not valid", errors=found)
    return {name: float(value) for name, value in raw.items()}


def check_endpoint(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Where a deployed version answers: url (http or https), instance type, region, replicas,
    framework version; None values are dropped."""
    found = [
        {"loc": ["endpoint", name], "msg": f"one of {list(ENDPOINT_FIELDS)}"}
        for name in raw
        if name not in ENDPOINT_FIELDS
    ]
    url = raw.get("url")
    if url is not None and not URL_RE.match(str(url)):
        found.append({"loc": ["endpoint", "url"], "msg": "an http(s) URL"})
    if found:
        raise ValidationFailed("the endpoint is not valid", errors=found)
    return {name: value for name, value in raw.items() if value is not None}


@dataclass(frozen=True)
class RegisteredModel:
    """A catalogue entry; its name is unique in the organisation (case-insensitively) and,
    like its task, framework and project, fixed once registered."""

    org_id: str
    id: str
    name: str
    task: str
    framework: str
    project_id: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    tags: frozenset[str] = frozenset()
    latest_version: int = 0
    version: int = 0


@dataclass(frozen=True)
class DeploymentChange:
    status: str
    changed_at: datetime
    changed_by: str
    note: str = ""


@dataclass(frozen=True)
class ModelVersion:
    """One version of a model. The model's name, task, framework and project are copied
    onto it (they never change), so lists by stage or status need no second read."""

    org_id: str
    model_id: str
    number: int
    model_name: str
    task: str
    framework: str
    project_id: str
    artifact_uri: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    source_run_id: str | None = None
    signature: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    description: str = ""
    stage: str = "none"
    stage_changed_at: datetime | None = None
    deployment_status: str = "pending"
    endpoint: dict[str, Any] = field(default_factory=dict)
    history: tuple[DeploymentChange, ...] = ()
    version: int = 0

    def staged(self, stage: str, *, at: datetime) -> ModelVersion:
        return replace(self, stage=stage, stage_changed_at=at, updated_at=at)

    def deployed(
        self, status: str, *, at: datetime, by: str, endpoint: Mapping[str, Any], note: str = ""
    ) -> ModelVersion:
        """The version moved to `status` (Conflict unless TRANSITIONS allow it), the change
        added to its history, the endpoint metadata merged over what it had."""
        allowed = TRANSITIONS[self.deployment_status]
        if status not in allowed:
            raise Conflict(
                f"a {self.deployment_status} version cannot become {status}",
                allowed=list(allowed),
            )
        if status == "deploying" and self.stage == "archived":
            raise Conflict("an archived version cannot be deployed; change its stage first")
        change = DeploymentChange(status, at, by, note)
        return replace(
            self,
            deployment_status=status,
            endpoint={**self.endpoint, **endpoint},
            history=(*self.history, change)[-MAX_HISTORY:],
            updated_at=at,
        )


@dataclass(frozen=True)
class StagePointer:
    """Which version holds a single-holder stage (production): the item two promotions race
    for, written with a condition on the number it held."""

    org_id: str
    model_id: str
    stage: str
    number: int
    updated_at: datetime
    version: int = 0


@dataclass(frozen=True)
class ModelAlias:
    """A movable name for one version (`champion` -> 3), unique per model."""

    org_id: str
    model_id: str
    alias: str
    number: int
    updated_by: str
    updated_at: datetime
    version: int = 0


@dataclass(frozen=True)
class MetricPoint:
    """Performance metrics of a version measured at one moment (appended, never changed)."""

    org_id: str
    model_id: str
    number: int
    id: str
    recorded_at: datetime
    values: dict[str, float]
    recorded_by: str


@dataclass(frozen=True)
class VersionDraft:
    """What a caller says about a new version; the registry numbers and stamps it."""

    artifact_uri: str
    source_run_id: str | None = None
    signature: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    description: str = ""
