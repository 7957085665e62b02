"""The execution history API contract: request and response schemas. Costs are decimals in,
plain decimal text out (`"0.0042"`), so no float rounding touches them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

RunStatus = Literal["running", "succeeded", "failed", "cancelled", "timed_out"]
StepStatus = Literal["running", "succeeded", "failed", "cancelled", "timed_out", "skipped"]
MAX_MS = 31_536_000_000  # a year
MAX_TOKENS = 10**12
Cost = Field(None, ge=0, le=10**9, max_digits=24, decimal_places=12)


class AgentRunErrorIn(Schema):
    type: str = Field(..., min_length=1, max_length=200)
    message: str = Field("", max_length=4000)


class AgentRunErrorOut(Schema):
    type: str
    message: str


class AgentRunStepIn(Schema):
    node_id: str = Field(..., min_length=1, max_length=128)
    status: StepStatus
    started_at: datetime | None = None
    duration_ms: int | None = Field(None, ge=0, le=MAX_MS)
    tokens: int | None = Field(None, ge=0, le=MAX_TOKENS)
    cost: Decimal | None = Cost
    error: AgentRunErrorIn | None = None


class AgentRunStepOut(Schema):
    node_id: str
    status: str
    started_at: datetime | None = None
    duration_ms: int | None = None
    tokens: int | None = None
    cost: str | None = None
    error: AgentRunErrorOut | None = None


class AgentRunIn(Schema):
    """`finished_at` or `duration_ms` (or both, agreeing) for a run that has finished;
    `version` is the agent version that ran."""

    status: RunStatus
    started_at: datetime
    finished_at: datetime | None = None
    duration_ms: int | None = Field(None, ge=0, le=MAX_MS)
    version: int | None = Field(None, ge=1, le=99_999_999)
    model: str = Field("", max_length=200)
    tokens_in: int = Field(0, ge=0, le=MAX_TOKENS)
    tokens_out: int = Field(0, ge=0, le=MAX_TOKENS)
    cost: Decimal = Field(Decimal(0), ge=0, le=10**9, max_digits=24, decimal_places=12)
    inputs: Any = None
    outputs: Any = None
    error: AgentRunErrorIn | None = None
    steps: list[AgentRunStepIn] = Field(default_factory=list, max_length=500)


class AgentRunSummaryOut(Schema):
    """A run as lists show it (no inputs, outputs or steps: GET the run for those)."""

    id: str
    agent_id: str
    project_id: str
    user_id: str
    status: str
    started_at: datetime
    finished_at: datetime | None = None
    duration_ms: int | None = None
    version: int | None = None
    model: str
    tokens_in: int
    tokens_out: int
    cost: str
    error: AgentRunErrorOut | None = None
    logged_at: datetime
    expires_at: datetime


class AgentRunOut(AgentRunSummaryOut):
    inputs: Any = None
    outputs: Any = None
    steps: list[AgentRunStepOut]


class AgentRunListParams(Schema):
    status: RunStatus | None = None
    version: int | None = Field(None, ge=1, le=99_999_999)
    user: str | None = Field(None, min_length=1, max_length=64)
    started_from: datetime | None = Field(None, alias="from")
    started_to: datetime | None = Field(None, alias="to")
