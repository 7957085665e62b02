"""The run logs API contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from domains.lab.logs.model import MAX_BATCH, MAX_COMPONENT, MAX_MESSAGE

Severity = Literal["debug", "info", "warning", "error", "critical"]


class LogEntryIn(Schema):
    run_id: str | None = Field(None, min_length=1, max_length=64)
    component: str = Field(..., min_length=1, max_length=MAX_COMPONENT)
    severity: Severity
    message: str = Field(..., min_length=1, max_length=MAX_MESSAGE)
    timestamp: datetime | None = None
    fields: dict[str, Any] = Field(default_factory=dict)


class LogBatchIn(Schema):
    entries: list[LogEntryIn] = Field(..., min_length=1, max_length=MAX_BATCH)


class LogBatchOut(Schema):
    received: int
    log_ids: list[str]
    received_at: datetime


class LogEntryOut(Schema):
    log_id: str
    experiment_id: str
    run_id: str | None = None
    component: str
    severity: str
    message: str
    timestamp: datetime
    received_at: datetime
    fields: dict[str, Any]
    position: str


class LogReadParams(Schema):
    min_severity: Severity | None = None
    component: str | None = Field(None, min_length=1, max_length=MAX_COMPONENT)
    time_from: datetime | None = Field(None, alias="from")
    time_to: datetime | None = Field(None, alias="to")
    since: str | None = Field(None, min_length=1, max_length=128)


class LogPageOut(Schema):
    items: list[LogEntryOut]
    next_cursor: str | None = None  # older lines (newest-first pages)
    tail_cursor: str  # pass as `since` for the lines that arrive after this answer
    more: bool = False  # a tail: more lines were already there, call again at once
