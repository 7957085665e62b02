"""Identity entities and their invariants: users, organisations, memberships, sessions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from domains.shared.errors import Conflict, ValidationFailed
from domains.shared.permissions import ORG_ROLES

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
THEMES = ("light", "dark", "system")


def normalise_email(raw: str) -> str:
    """E-mail addresses are unique case-insensitively: the lower-cased, trimmed form."""
    email = raw.strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ValidationFailed(
            "invalid e-mail", errors=[{"loc": ["email"], "msg": "invalid e-mail"}]
        )
    return email


def check_role(role: str) -> str:
    if role not in ORG_ROLES:
        raise ValidationFailed(
            f"unknown role {role!r}", errors=[{"loc": ["role"], "msg": f"one of {list(ORG_ROLES)}"}]
        )
    return role


@dataclass(frozen=True)
class Preferences:
    theme: str = "system"
    locale: str = "en"
    time_zone: str = "UTC"
    default_org_id: str | None = None


@dataclass(frozen=True)
class User:
    id: str
    email: str
    display_name: str
    password_hash: str
    created_at: datetime
    updated_at: datetime
    is_staff: bool = False
    is_active: bool = True
    preferences: Preferences = field(default_factory=Preferences)
    version: int = 0


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    member_count: int = 0
    version: int = 0


@dataclass(frozen=True)
class Membership:
    org_id: str
    user_id: str
    role: str
    joined_at: datetime
    version: int = 0

    def with_role(self, role: str) -> Membership:
        return replace(self, role=check_role(role))


def ensure_an_owner_remains(owners: list[Membership], leaving: Membership) -> None:
    """The last owner can neither leave nor be demoted: an organisation always has one."""
    if leaving.role == "owner" and all(m.user_id == leaving.user_id for m in owners):
        raise Conflict("the last owner cannot leave or be demoted; make another member owner first")


@dataclass(frozen=True)
class Session:
    """A refresh-token session; rotation replaces it by a new one of the same family."""

    id: str
    user_id: str
    family_id: str
    secret_hash: str
    created_at: datetime
    expires_at: datetime
    user_agent: str = ""
    ip: str = ""
    replaced_by: str | None = None
    revoked_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.replaced_by is None and now < self.expires_at
