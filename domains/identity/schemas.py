"""The identity API contract: request and response schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, field_validator

from domains.shared.permissions import Permission


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


class InvitationIn(Schema):
    email: str = Field(..., min_length=3, max_length=254)
    role: Literal["owner", "admin", "member", "viewer"]


class InvitationOut(Schema):
    id: str
    email: str
    role: str
    invited_by: str
    created_at: datetime
    expires_at: datetime


class InvitationCreatedOut(InvitationOut):
    token: str = Field(..., description="shown once: send it to the invitee; only its hash is kept")


class MyInvitationOut(Schema):
    id: str
    org_id: str
    organization_name: str
    role: str
    invited_by: str
    created_at: datetime
    expires_at: datetime


class AcceptInvitationIn(Schema):
    token: str = Field(..., min_length=1, max_length=512)


class AcceptedInvitationOut(Schema):
    org_id: str
    role: str


class ApiKeyIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    permissions: list[Permission] = Field(..., min_length=1, max_length=len(Permission))
    expires_at: datetime | None = None


class ApiKeyOut(Schema):
    id: str
    name: str
    permissions: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    created_by: str


class ApiKeyCreatedOut(Schema):
    """The only response that holds the key's secret: store `key` now, it is never shown again."""

    id: str
    name: str
    permissions: list[str]
    created_at: datetime
    expires_at: datetime | None
    key: str


class AuditQuery(Schema):
    """Filters of the audit log; a time without a zone is taken as UTC."""

    actor: str | None = Field(None, min_length=1, max_length=200)
    action: str | None = Field(None, min_length=1, max_length=100)
    since: datetime | None = Field(None, alias="from")
    until: datetime | None = Field(None, alias="to")

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        try:
            return moment.astimezone(UTC)
        except OverflowError as e:  # 0001-01-01T00:00+01:00 is before the year 1 in UTC
            raise ValueError("out of range once in UTC") from e


class AuditEntryOut(Schema):
    id: str
    actor_id: str
    action: str
    resource_type: str
    resource_id: str
    request_id: str
    at: datetime
    details: dict[str, Any]


SettingType = Literal["bool", "int", "float", "string", "json"]


class SettingIn(Schema):
    type: SettingType
    value: Any = Field(..., description="of the type: true/false, a number, a string, any JSON")
    description: str = Field("", max_length=500)


class SettingOut(Schema):
    key: str
    type: SettingType
    value: Any
    description: str
    updated_by: str
    updated_at: datetime
    version: int


class SettingOverrideIn(Schema):
    value: Any = Field(..., description="of the global setting's type")


class EffectiveSettingOut(Schema):
    key: str
    type: SettingType
    description: str
    value: Any
    source: Literal["global", "organization"]
    global_value: Any
    override_version: int = Field(..., description="the override's version, 0 when none")
