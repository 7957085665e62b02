"""The prompts library API contract: request and response schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

VariableType = Literal["string", "number", "boolean", "json"]
Visibility = Literal["private", "organization", "public"]
ALIAS_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"


class PromptVariableIn(Schema):
    name: str = Field(..., min_length=1, max_length=64)
    type: VariableType = "string"
    required: bool = True
    default: Any = None
    description: str = Field("", max_length=500)


class PromptVariableOut(Schema):
    name: str
    type: str
    required: bool
    default: Any = None
    description: str


class PromptIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    template: str = Field(..., min_length=1, max_length=100_000)
    variables: list[PromptVariableIn] = Field(default_factory=list, max_length=50)
    tags: list[str] = Field(default_factory=list, max_length=20)
    visibility: Visibility = "organization"


class PromptPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=2000)
    tags: list[str] | None = Field(None, max_length=20)
    visibility: Visibility | None = None


class PromptVersionIn(Schema):
    template: str = Field(..., min_length=1, max_length=100_000)
    variables: list[PromptVariableIn] = Field(default_factory=list, max_length=50)
    note: str = Field("", max_length=500)


class PromptVersionOut(Schema):
    number: int
    template: str
    variables: list[PromptVariableOut]
    note: str
    created_by: str
    created_at: datetime


class PromptOut(Schema):
    id: str
    name: str
    description: str
    tags: list[str]
    visibility: str
    latest_version: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    latest: PromptVersionOut | None = None


class PromptPublicOut(Schema):
    """A public prompt as other organisations see it: no author, nothing private."""

    id: str
    org_id: str
    name: str
    description: str
    tags: list[str]
    latest_version: int
    updated_at: datetime


class PromptListParams(Schema):
    tag: str | None = Field(None, min_length=1, max_length=40)
    visibility: Visibility | None = None


class PromptAliasIn(Schema):
    version: int = Field(..., ge=1, le=99_999_999)


class PromptAliasOut(Schema):
    """`version` is the prompt version it points to; `revision` is the alias's own (ETag)."""

    alias: str
    version: int
    updated_by: str
    updated_at: datetime
    revision: int


class PromptRenderIn(Schema):
    variables: dict[str, Any] = Field(default_factory=dict)
    version: int | None = Field(None, ge=1, le=99_999_999)
    alias: str | None = Field(None, pattern=ALIAS_PATTERN)


class PromptRenderOut(Schema):
    prompt_id: str
    version: int
    text: str
