"""Identity entities and their invariants: users, organisations, memberships, sessions, keys."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from domains.shared.errors import Conflict, NotFound, ValidationFailed
from domains.shared.ids import is_valid_id
from domains.shared.permissions import ORG_ROLES, Permission

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


def check_name(raw: str) -> str:
    """A display name of an organisation or an API key: 1 to 120 characters, trimmed."""
    name = raw.strip()
    if not 1 <= len(name) <= 120:
        raise ValidationFailed(
            "invalid name", errors=[{"loc": ["name"], "msg": "1 to 120 characters"}]
        )
    return name


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


@dataclass(frozen=True)
class Invitation:
    """An e-mailed offer to join an organisation with a role; the token is kept as a digest."""

    id: str
    org_id: str
    email: str
    role: str
    invited_by: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    status: str = "pending"
    accepted_by: str | None = None
    accepted_at: datetime | None = None
    revoked_at: datetime | None = None
    version: int = 0

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def ensure_acceptable(self, now: datetime) -> None:
        """Only a pending invitation before its expiry can be accepted (or revoked)."""
        if self.status == "accepted":
            raise Conflict("this invitation was already accepted")
        if self.status == "revoked":
            raise Conflict("this invitation was revoked")
        if self.expired(now):
            raise NotFound("invitation not found or expired")


CONTENT_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "text/csv",
        "text/markdown",
        "application/json",
        "application/zip",
    }
)
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(raw: str) -> str:
    """A filename fit for an S3 key: the last path part, [A-Za-z0-9._-] only, 1-100 chars."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_FILENAME.sub("_", name).strip("._")[-100:]
    return name or "file"


def check_upload(filename: str, content_type: str, size: int, max_bytes: int) -> str:
    """The normalised content type of an acceptable upload (SVG and HTML are never accepted:
    a browser runs their scripts); ValidationFailed names every bad field."""
    kind = content_type.split(";", 1)[0].strip().lower()
    errors = []
    if not filename.strip() or len(filename) > 255:
        errors.append({"loc": ["filename"], "msg": "1 to 255 characters"})
    if kind not in CONTENT_TYPES:
        errors.append({"loc": ["content_type"], "msg": f"one of {sorted(CONTENT_TYPES)}"})
    if not 1 <= size <= max_bytes:
        errors.append({"loc": ["size"], "msg": f"between 1 and {max_bytes} bytes"})
    if errors:
        raise ValidationFailed("this upload is not accepted", errors=errors)
    return kind


@dataclass(frozen=True)
class Content:
    """A user upload in S3: `pending` until the uploader confirms the object is there;
    a pending record expires (`expires_at`), a confirmed one stays until deleted."""

    id: str
    org_id: str
    owner_id: str
    filename: str
    content_type: str
    size: int
    s3_key: str
    created_at: datetime
    updated_at: datetime
    status: str = "pending"
    expires_at: datetime | None = None
    confirmed_at: datetime | None = None
    version: int = 0

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"


API_KEY_PREFIX = "nxk_"
_MAX_API_KEY_LENGTH = 256


@dataclass(frozen=True)
class ApiKey:
    """A machine credential of one organisation: it acts for its creator, there only, with a
    fixed subset of the creator's permissions. Only the SHA-256 of its secret is kept."""

    id: str
    org_id: str
    name: str
    permissions: frozenset[str]
    secret_hash: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    version: int = 0

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


MAX_USABLE_KEYS_PER_MEMBER = 25
"""A member's usable keys in one organisation; bounded so that removing the member revokes
them all in the removal's own transaction (DynamoDB allows 100 actions in one)."""


def keys_beyond(keys: Iterable[ApiKey], permissions: frozenset[str]) -> list[ApiKey]:
    """The keys granting more than `permissions`: a key never holds more than its creator."""
    return [k for k in keys if not k.permissions <= permissions]


def api_key_token(org_id: str, key_id: str, secret: str) -> str:
    """`nxk_<org_id>_<key_id>_<secret>`: the key names its item, so one GetItem finds it."""
    return f"{API_KEY_PREFIX}{org_id}_{key_id}_{secret}"


def parse_api_key_token(raw: str) -> tuple[str, str, str] | None:
    """(org_id, key_id, secret) of a well-formed key, else None (ULIDs hold no `_`)."""
    if not raw.startswith(API_KEY_PREFIX) or len(raw) > _MAX_API_KEY_LENGTH:
        return None
    org_id, _, rest = raw.removeprefix(API_KEY_PREFIX).partition("_")
    key_id, _, secret = rest.partition("_")
    if not (is_valid_id(org_id) and is_valid_id(key_id) and secret):
        return None
    return org_id, key_id, secret


def check_permissions(requested: Iterable[str]) -> frozenset[str]:
    """Known permission strings, at least one (a key that may do nothing is a mistake)."""
    known = {p.value for p in Permission}
    wanted = list(requested)
    errors = [
        {"loc": ["permissions", i], "msg": f"unknown permission {p!r}"}
        for i, p in enumerate(wanted)
        if p not in known
    ]
    if not wanted:
        errors.append({"loc": ["permissions"], "msg": "at least one permission"})
    if errors:
        raise ValidationFailed("invalid permissions", errors=errors)
    return frozenset(wanted)


def check_expiry(expires_at: datetime | None, now: datetime) -> datetime | None:
    """An expiry in the future (a time without a zone is taken as UTC), or None: no expiry."""
    if expires_at is None:
        return None
    moment = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
    if moment <= now:
        raise ValidationFailed(
            "expires_at must be in the future",
            errors=[{"loc": ["expires_at"], "msg": "must be in the future"}],
        )
    return moment.astimezone(UTC)


SETTING_TYPES = ("bool", "int", "float", "string", "json")
SETTING_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(?:[.-][a-z0-9_]+)*$")
MAX_SETTING_KEY = 100
MAX_SETTING_TEXT = 10_000  # characters of a string value, or of a json value's compact text
MAX_SETTING_DESCRIPTION = 500
_INT64 = (-(2**63), 2**63 - 1)


def _invalid(field_name: str, msg: str) -> ValidationFailed:
    return ValidationFailed(
        f"invalid {field_name}: {msg}", errors=[{"loc": [field_name], "msg": msg}]
    )


def check_setting_key(key: str) -> str:
    if len(key) > MAX_SETTING_KEY or not SETTING_KEY_RE.match(key):
        raise _invalid("key", "lower-case words of [a-z0-9_] joined by . or -, at most 100")
    return key


def _number(value: Any, kind: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid("value", f"a {kind} is expected")
    if kind == "int":
        if not isinstance(value, int) or not _INT64[0] <= value <= _INT64[1]:
            raise _invalid("value", "a whole number within 64 bits is expected")
        return value
    try:
        number = float(value)
    except OverflowError as e:
        raise _invalid("value", "a finite number is expected") from e
    if not math.isfinite(number):
        raise _invalid("value", "a finite number is expected")
    return number


def check_setting_value(kind: str, value: Any) -> Any:
    """The value in its canonical form for `kind` (a float setting holds floats even when
    given 3), or ValidationFailed: no coercion across kinds ("1" is no int, 1 no bool)."""
    if kind not in SETTING_TYPES:
        raise _invalid("type", f"one of {list(SETTING_TYPES)}")
    if kind == "bool":
        if not isinstance(value, bool):
            raise _invalid("value", "true or false is expected")
        return value
    if kind in ("int", "float"):
        return _number(value, kind)
    if kind == "string":
        if not isinstance(value, str) or len(value) > MAX_SETTING_TEXT:
            raise _invalid("value", f"a string of at most {MAX_SETTING_TEXT} characters")
        return value
    try:
        text = json.dumps(value, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        raise _invalid("value", "a JSON value is expected") from e
    if len(text) > MAX_SETTING_TEXT:
        raise _invalid("value", f"at most {MAX_SETTING_TEXT} characters as compact JSON")
    return json.loads(text)


def check_description(description: str) -> str:
    text = description.strip()
    if len(text) > MAX_SETTING_DESCRIPTION:
        raise _invalid("description", f"at most {MAX_SETTING_DESCRIPTION} characters")
    return text


@dataclass(frozen=True)
class Setting:
    """A global typed setting that staff manage. `generation` names this incarnation of the
    key: overrides made for an earlier one (the key was deleted and made again) are ignored."""

    key: str
    type: str
    value: Any
    description: str
    generation: str
    updated_by: str
    updated_at: datetime
    version: int = 0

    def changed(self, *, kind: str, value: Any, description: str, by: str, at: datetime) -> Setting:
        if kind != self.type:
            raise Conflict(
                f"setting {self.key} is a {self.type}; its type cannot change "
                "(delete it and create it again, which drops every organisation's override)"
            )
        return replace(
            self,
            value=check_setting_value(kind, value),
            description=check_description(description),
            updated_by=by,
            updated_at=at,
        )


@dataclass(frozen=True)
class SettingOverride:
    """An organisation's own value of a global setting, of the setting's type."""

    key: str
    org_id: str
    type: str
    value: Any
    generation: str
    updated_by: str
    updated_at: datetime
    version: int = 0


@dataclass(frozen=True)
class EffectiveSetting:
    """What a setting is for one organisation: its override, else the global value."""

    setting: Setting
    override: SettingOverride | None = None

    @property
    def value(self) -> Any:
        return self.override.value if self.override else self.setting.value

    @property
    def source(self) -> str:
        return "organization" if self.override else "global"

    @property
    def override_version(self) -> int:
        """The override's version (0: none), the ETag of the organisation's setting."""
        return self.override.version if self.override else 0


def effective(setting: Setting, override: SettingOverride | None) -> EffectiveSetting:
    """An override counts only if it was made for this incarnation of the setting."""
    current = override if override and override.generation == setting.generation else None
    return EffectiveSetting(setting, current)
