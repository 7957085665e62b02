"""The agent versions API contract: publish, list, read, diff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from domains.agents.versions import MAX_NOTE_CHARS


class AgentVersionIn(Schema):
    note: str = Field("", max_length=MAX_NOTE_CHARS)


class AgentVersionSummaryOut(Schema):
    """A version in a list: what it is, without its content."""

    agent_id: str
    number: int
    note: str
    created_by: str
    created_at: datetime
    node_count: int
    edge_count: int


class AgentVersionOut(AgentVersionSummaryOut):
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    canvas: dict[str, Any]
    configs: dict[str, dict[str, Any]]


class AgentVersionDiffParams(Schema):
    against: int | None = Field(
        None, ge=1, le=99_999_999, description="The version compared with (default: the newest)"
    )


class AgentVersionFieldChangeOut(Schema):
    path: str
    before: Any = None
    after: Any = None


class AgentVersionItemChangeOut(Schema):
    id: str
    changes: list[AgentVersionFieldChangeOut]


class AgentVersionPartDiffOut(Schema):
    added: list[str]
    removed: list[str]
    changed: list[AgentVersionItemChangeOut]


class AgentVersionDiffOut(Schema):
    agent_id: str
    base: int
    against: int
    nodes: AgentVersionPartDiffOut
    edges: AgentVersionPartDiffOut
