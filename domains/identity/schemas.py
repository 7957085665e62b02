"""The identity API contract: request and response schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class RegisterIn(Schema):
    email: str = Field(..., min_length=3, max_length=254)
    password: str = Field(..., min_length=1, max_length=256)
    display_name: str = Field("", max_length=120)


class LoginIn(Schema):
    email: str = Field(..., min_length=1, max_length=254)
    password: str = Field(..., min_length=1, max_length=256)


class RefreshIn(Schema):
    refresh_token: str = Field(..., min_length=1, max_length=512)


class TokenOut(Schema):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int


class PreferencesSchema(Schema):
    theme: Literal["light", "dark", "system"] = "system"
    locale: str = Field("en", min_length=2, max_length=35)
    time_zone: str = Field("UTC", min_length=1, max_length=64)
    default_org_id: str | None = Field(None, max_length=26)


class PreferencesPatch(Schema):
    theme: Literal["light", "dark", "system"] | None = None
    locale: str | None = Field(None, min_length=2, max_length=35)
    time_zone: str | None = Field(None, min_length=1, max_length=64)
    default_org_id: str | None = Field(None, max_length=26)


class UserOut(Schema):
    id: str
    email: str
    display_name: str
    is_staff: bool
    preferences: PreferencesSchema
    created_at: datetime
    updated_at: datetime
    version: int


class MePatch(Schema):
    display_name: str | None = Field(None, min_length=1, max_length=120)
    preferences: PreferencesPatch | None = None


class SessionOut(Schema):
    id: str
    created_at: datetime
    expires_at: datetime
    user_agent: str
    ip: str
    current: bool


class OrganizationIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=2000)


class OrganizationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=2000)


class OrganizationOut(Schema):
    id: str
    name: str
    description: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    member_count: int
    version: int


class MyOrganizationOut(Schema):
    organization: OrganizationOut
    role: str


class MemberOut(Schema):
    user_id: str
    role: str
    joined_at: datetime
    version: int


class RoleIn(Schema):
    role: Literal["owner", "admin", "member", "viewer"]
