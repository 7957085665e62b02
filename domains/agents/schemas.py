"""The agents API contract: request and response schemas of agents and flows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

MAX_FLOW_NODES = 5000


class AgentIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=4000)
    tags: list[str] = Field(default_factory=list, max_length=20)


class AgentPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=4000)
    tags: list[str] | None = Field(None, max_length=20)
    status: Literal["draft", "active", "paused"] | None = None


class AgentListParams(Schema):
    status: Literal["draft", "active", "paused", "archived"] = "active"


class AgentOut(Schema):
    id: str
    project_id: str
    flow_id: str
    name: str
    description: str
    tags: list[str]
    status: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    published_version: int = 0
    my_role: str | None = None


class FlowNodeIn(Schema):
    id: str = Field(..., min_length=1, max_length=64)
    type: str = Field(..., min_length=1, max_length=64)
    position: dict[str, float] = Field(default_factory=dict)
    data: dict[str, Any] = Field(default_factory=dict)
    group: str | None = Field(None, max_length=64)
    label: str = Field("", max_length=200)


class FlowEdgeIn(Schema):
    id: str = Field(..., min_length=1, max_length=128)
    source: str = Field(..., min_length=1, max_length=64)
    target: str = Field(..., min_length=1, max_length=64)
    source_handle: str | None = Field(None, max_length=64)
    target_handle: str | None = Field(None, max_length=64)


class FlowIn(Schema):
    nodes: list[FlowNodeIn] = Field(default_factory=list, max_length=MAX_FLOW_NODES)
    edges: list[FlowEdgeIn] = Field(default_factory=list, max_length=4 * MAX_FLOW_NODES)
    canvas: dict[str, Any] = Field(default_factory=dict)


class FlowOut(Schema):
    id: str
    agent_id: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    canvas: dict[str, Any]
    updated_at: datetime
    updated_by: str
    version: int
