"""Agents and their flows: entities and the rules on their fields (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from domains.shared.errors import ValidationFailed

AGENT_STATUSES = ("draft", "active", "paused", "archived")
SETTABLE_AGENT_STATUSES = ("draft", "active", "paused")  # archived: the archive action
PROJECT_ROLES = ("viewer", "editor", "admin")  # in rising order
MAX_CUSTOM_NODE_TYPES = 100  # per organisation: listed in one Query page


def invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"loc": [field_name], "msg": message}])


def check_agent_name(raw: str) -> str:
    name = raw.strip()
    if not 1 <= len(name) <= 120:
        raise invalid("name", "1 to 120 characters")
    return name


def check_agent_description(raw: str) -> str:
    text = raw.strip()
    if len(text) > 4000:
        raise invalid("description", "at most 4000 characters")
    return text


def check_agent_status(status: str) -> str:
    if status not in SETTABLE_AGENT_STATUSES:
        allowed = list(SETTABLE_AGENT_STATUSES)
        raise invalid("status", f"one of {allowed}; archiving has its own action")
    return status


def role_rank(role: str | None) -> int:
    """0 for no role, then viewer < editor < admin."""
    return PROJECT_ROLES.index(role) + 1 if role in PROJECT_ROLES else 0


@dataclass(frozen=True)
class Agent:
    org_id: str
    id: str
    project_id: str
    name: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    flow_id: str
    description: str = ""
    tags: frozenset[str] = frozenset()
    status: str = "draft"
    version: int = 0
    published_version: int = 0  # the newest agent version's number (0: none published)

    def archived(self, at: datetime) -> Agent:
        return replace(self, status="archived", updated_at=at)


@dataclass(frozen=True)
class Flow:
    """An agent's flow, saved whole: `nodes` ({id, type, position, data...}), `edges` ({id,
    source, target, source_handle, target_handle}) and the canvas (viewport, groups)."""

    org_id: str
    id: str
    agent_id: str
    updated_at: datetime
    updated_by: str
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    canvas: dict[str, Any] = field(default_factory=dict)
    version: int = 0


@dataclass(frozen=True)
class CustomNodeType:
    """An organisation's own node type: `spec` has the catalogue's shape (label, category,
    icon, ports, allows_cycles, config_schema, defaults, form)."""

    org_id: str
    type: str
    spec: dict[str, Any]
    created_by: str
    created_at: datetime
    version: int = 0


@dataclass(frozen=True)
class NodeConfig:
    """One node's configuration in a flow (defaults applied, valid for its type's schema)."""

    org_id: str
    flow_id: str
    node_id: str
    type: str
    config: dict[str, Any]
    updated_at: datetime
    updated_by: str
    version: int = 0
