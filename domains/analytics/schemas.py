"""The analytics API contract: the activity feed's query and its entries."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class ActivityParams(Schema):
    """One of `user`, `project`, or `resource_type` + `resource_id` (optionally with
    `project`: that resource within the project); none for the whole organisation."""

    user: str | None = Field(None, min_length=1, max_length=40)
    project: str | None = Field(None, min_length=1, max_length=26)
    resource_type: str | None = Field(None, min_length=1, max_length=40)
    resource_id: str | None = Field(None, min_length=1, max_length=128)


class Link(Schema):
    """A thing the entry names, with the API path that reads it (None: none does)."""

    id: str
    path: str | None = None


class ActorOut(Link):
    kind: str  # "user" or "api_key"


class ResourceOut(Link):
    type: str


class ActivityOut(Schema):
    id: str
    type: str
    verb: str
    summary: str
    at: datetime
    actor: ActorOut
    resource: ResourceOut
    project: Link | None = None
    workspace: Link | None = None
