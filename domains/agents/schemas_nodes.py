"""The node types API contract: the catalogue, custom types, validation and node configs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

PortType = Literal["any", "text", "message", "json", "documents", "boolean", "number"]


class NodePortSchema(Schema):
    name: str = Field(..., min_length=1, max_length=40)
    type: PortType = "any"
    label: str = Field("", max_length=80)


class NodeFormField(Schema):
    field: str = Field(..., min_length=1, max_length=80)
    label: str | None = Field(None, max_length=80)
    widget: str | None = Field(None, max_length=40)


class NodeTypeIn(Schema):
    type: str = Field(..., min_length=2, max_length=40, pattern=r"^[a-z][a-z0-9_]{1,39}$")
    label: str = Field(..., min_length=1, max_length=80)
    category: str = Field("custom", min_length=1, max_length=40)
    icon: str = Field("box", min_length=1, max_length=40)
    description: str = Field("", max_length=2000)
    inputs: list[NodePortSchema] = Field(default_factory=list, max_length=20)
    outputs: list[NodePortSchema] = Field(default_factory=list, max_length=20)
    allows_cycles: bool = False
    config_schema: dict[str, Any] = Field(default_factory=lambda: {"type": "object"})
    defaults: dict[str, Any] = Field(default_factory=dict)
    form: list[NodeFormField] = Field(default_factory=list, max_length=100)


class NodeTypeOut(Schema):
    type: str
    label: str
    category: str
    icon: str
    description: str
    inputs: list[NodePortSchema]
    outputs: list[NodePortSchema]
    allows_cycles: bool
    config_schema: dict[str, Any]
    defaults: dict[str, Any]
    form: list[dict[str, Any]]
    builtin: bool


class NodeTypeListOut(Schema):
    items: list[NodeTypeOut]


class NodeConfigIn(Schema):
    config: dict[str, Any] = Field(default_factory=dict)


class NodeConfigValidOut(Schema):
    config: dict[str, Any]


class NodeConfigOut(Schema):
    flow_id: str
    node_id: str
    type: str
    config: dict[str, Any]
    updated_at: datetime
    updated_by: str
    version: int
