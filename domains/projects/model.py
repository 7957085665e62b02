"""Workspaces, projects and their memberships: entities, roles and the rules on them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from domains.shared.errors import ValidationFailed

WORKSPACE_STATUSES = ("active", "archived")
PROJECT_STATUSES = ("active", "paused", "completed", "archived")
SETTABLE_PROJECT_STATUSES = ("active", "paused", "completed")  # archived: archive/restore
RESOURCE_ROLES = ("viewer", "editor", "admin")  # in rising order
MAX_SETTINGS_BYTES = 16_384
ACTIVITY_GRANULARITY = timedelta(minutes=5)  # last activity is written at most this often


def _invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"loc": [field_name], "msg": message}])


def check_name(raw: str) -> str:
    name = raw.strip()
    if not 1 <= len(name) <= 120:
        raise _invalid("name", "1 to 120 characters")
    return name


def check_description(raw: str) -> str:
    text = raw.strip()
    if len(text) > 2000:
        raise _invalid("description", "at most 2000 characters")
    return text


def check_settings(raw: Mapping[str, Any]) -> dict[str, Any]:
    if len(json.dumps(raw, separators=(",", ":"))) > MAX_SETTINGS_BYTES:
        raise _invalid("settings", f"at most {MAX_SETTINGS_BYTES} bytes of JSON")
    return dict(raw)


def check_project_status(status: str) -> str:
    if status not in SETTABLE_PROJECT_STATUSES:
        allowed = list(SETTABLE_PROJECT_STATUSES)
        raise _invalid("status", f"one of {allowed}; archive and restore have their own actions")
    return status


def check_role(role: str) -> str:
    if role not in RESOURCE_ROLES:
        raise _invalid("role", f"one of {list(RESOURCE_ROLES)}")
    return role


def role_rank(role: str | None) -> int:
    """0 for no role, then viewer < editor < admin."""
    return RESOURCE_ROLES.index(role) + 1 if role in RESOURCE_ROLES else 0


def highest(*roles: str | None) -> str | None:
    return max(roles, key=role_rank) if any(roles) else None


@dataclass(frozen=True)
class Workspace:
    org_id: str
    id: str
    name: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    description: str = ""
    status: str = "active"
    project_count: int = 0
    member_count: int = 0
    version: int = 0


@dataclass(frozen=True)
class Project:
    org_id: str
    id: str
    workspace_id: str
    name: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    tags: frozenset[str] = frozenset()
    status: str = "active"
    settings: dict[str, Any] = field(default_factory=dict)
    status_before_archive: str | None = None
    member_count: int = 0
    version: int = 0

    def archived(self, at: datetime) -> Project:
        return replace(self, status="archived", status_before_archive=self.status, updated_at=at)

    def restored(self, at: datetime) -> Project:
        status = self.status_before_archive or "active"
        return replace(self, status=status, status_before_archive=None, updated_at=at)


@dataclass(frozen=True)
class Member:
    """A user's role in one workspace or project (`scope` "workspace" or "project"), with
    their last activity there (for the dashboard) and when they pinned it."""

    org_id: str
    scope: str
    resource_id: str
    user_id: str
    role: str
    joined_at: datetime
    last_activity_at: datetime
    pinned_at: datetime | None = None
    version: int = 0

    def activity_due(self, now: datetime) -> bool:
        """Recording activity is cheap because it is coarse: one write per few minutes."""
        return now - self.last_activity_at >= ACTIVITY_GRANULARITY


@dataclass(frozen=True)
class Counts:
    """Counters kept with ADD: an organisation's workspaces and projects, and one member's
    workspace and project memberships in it."""

    workspaces: int = 0
    projects: int = 0
    my_workspaces: int = 0
    my_projects: int = 0


@dataclass(frozen=True)
class Dashboard:
    recent_workspaces: list[tuple[Workspace, Member]]
    recent_projects: list[tuple[Project, Member]]
    pinned_workspaces: list[tuple[Workspace, Member]]
    pinned_projects: list[tuple[Project, Member]]
    counts: Counts
