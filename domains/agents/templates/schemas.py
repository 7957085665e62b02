"""The templates marketplace API contract: request and response schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, model_validator

from domains.agents.schemas import FlowIn
from domains.agents.templates.model import MAX_CONFIGS

TemplateVisibility = Literal["private", "organization", "public"]
TemplateCategory = Literal[
    "assistant", "retrieval", "automation", "analysis", "support", "content", "coding", "other"
]
TemplateSort = Literal["popularity", "rating", "recency"]


class TemplateContentIn(FlowIn):
    """A flow as an agent's is saved, and each configured node's config by node id."""

    configs: dict[str, dict[str, Any]] = Field(default_factory=dict, max_length=MAX_CONFIGS)


class TemplateSourceIn(Schema):
    """An agent's published version to take the flow from."""

    agent_id: str = Field(..., min_length=1, max_length=64)
    version: int = Field(..., ge=1, le=99_999_999)


class _Sourced(Schema):
    content: TemplateContentIn | None = None
    from_version: TemplateSourceIn | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Any:
        if self.content is not None and self.from_version is not None:
            raise ValueError("give content or from_version, not both")
        return self


class TemplateIn(_Sourced):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    category: TemplateCategory
    tags: list[str] = Field(default_factory=list, max_length=20)
    visibility: TemplateVisibility = "organization"

    @model_validator(mode="after")
    def _has_source(self) -> Any:
        if self.content is None and self.from_version is None:
            raise ValueError("give content {nodes, edges, canvas, configs} or from_version")
        return self


class TemplatePut(_Sourced):
    """The fields to change; `content` or `from_version` makes the next content version."""

    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=2000)
    category: TemplateCategory | None = None
    tags: list[str] | None = Field(None, max_length=20)
    visibility: TemplateVisibility | None = None
    note: str = Field("", max_length=500)


class TemplateContentOut(Schema):
    number: int
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    canvas: dict[str, Any]
    configs: dict[str, dict[str, Any]]
    created_at: datetime
    note: str


class TemplateOut(Schema):
    """`owned`: the caller's organisation's. Another organisation's public template shows no
    author and no organisation (`author_id`, `org_id` are null)."""

    id: str
    name: str
    description: str
    category: str
    tags: list[str]
    visibility: str
    owned: bool
    org_id: str | None = None
    author_id: str | None = None
    latest_version: int
    rating_average: float
    rating_count: int
    usage_count: int
    popularity: int
    created_at: datetime
    updated_at: datetime
    version: int
    content: TemplateContentOut | None = None


class TemplateListParams(Schema):
    sort: TemplateSort = "popularity"
    visibility: TemplateVisibility | None = None
    category: TemplateCategory | None = None
    tag: str | None = Field(None, min_length=1, max_length=40)
    author: str | None = Field(None, min_length=1, max_length=64)
    q: str | None = Field(None, min_length=1, max_length=100)


class TemplateUseIn(Schema):
    project_id: str = Field(..., min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=120)


class TemplateUseOut(Schema):
    agent_id: str
    flow_id: str
    project_id: str
    name: str
    template_id: str
    version: int


class TemplateRatingIn(Schema):
    stars: int = Field(..., ge=1, le=5)


class TemplateRatingOut(Schema):
    template_id: str
    stars: int
    rating_average: float
    rating_count: int
