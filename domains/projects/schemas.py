"""The projects API contract: request and response schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

Role = Literal["admin", "editor", "viewer"]


class WorkspaceIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=2000)


class WorkspacePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=2000)


class WorkspaceOut(Schema):
    id: str
    name: str
    description: str
    status: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    project_count: int
    member_count: int
    version: int
    my_role: str | None = None


class WorkspaceListParams(Schema):
    status: Literal["active", "archived"] = "active"


class ProjectIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    settings: dict[str, Any] = Field(default_factory=dict)


class ProjectPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=2000)
    tags: list[str] | None = Field(None, max_length=20)
    status: Literal["active", "paused", "completed"] | None = None
    settings: dict[str, Any] | None = None


class ProjectMoveIn(Schema):
    workspace_id: str = Field(..., min_length=1, max_length=26)


class ProjectOut(Schema):
    id: str
    workspace_id: str
    name: str
    description: str
    tags: list[str]
    status: str
    settings: dict[str, Any]
    created_by: str
    created_at: datetime
    updated_at: datetime
    member_count: int
    version: int
    my_role: str | None = None


class ProjectListParams(Schema):
    status: Literal["active", "paused", "completed", "archived"] | None = None
    tag: str | None = Field(None, min_length=1, max_length=40)


class ResourceMemberIn(Schema):
    user_id: str = Field(..., min_length=1, max_length=26)
    role: Role


class RolePatch(Schema):
    role: Role


class ResourceMemberOut(Schema):
    user_id: str
    role: str
    joined_at: datetime
    last_activity_at: datetime
    pinned_at: datetime | None = None
    version: int


class MyWorkspaceOut(Schema):
    workspace: WorkspaceOut
    role: str
    last_activity_at: datetime
    pinned_at: datetime | None = None


class MyProjectOut(Schema):
    project: ProjectOut
    role: str
    last_activity_at: datetime
    pinned_at: datetime | None = None


class CountsOut(Schema):
    workspaces: int
    projects: int
    my_workspaces: int
    my_projects: int


class DashboardOut(Schema):
    recent_workspaces: list[MyWorkspaceOut]
    recent_projects: list[MyProjectOut]
    pinned_workspaces: list[MyWorkspaceOut]
    pinned_projects: list[MyProjectOut]
    counts: CountsOut
