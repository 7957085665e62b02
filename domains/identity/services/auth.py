"""Registration, login, refresh-token rotation with reuse detection, logout, sessions, me."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from domains.identity.model import Session, User, normalise_email
from domains.identity.ports import (
    LoginThrottle,
    PasswordHasher,
    TokenService,
    UnitOfWorkFactory,
)
from domains.identity.services.tokens import digest, matches, new_secret
from domains.shared.audit import audit
from domains.shared.clock import Clock
from domains.shared.errors import (
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from domains.shared.guards import check_version, found
from domains.shared.ids import new_id
from domains.shared.tenancy import Principal

MIN_PASSWORD = 10
INVALID_LOGIN = "invalid e-mail or password"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str


@dataclass(frozen=True)
class ClientInfo:
    ip: str = ""
    user_agent: str = ""
    request_id: str = ""


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD or password.isdigit() or password.isalpha():
        raise ValidationFailed(
            "password too weak",
            errors=[
                {
                    "loc": ["password"],
                    "msg": f"at least {MIN_PASSWORD} characters, not only letters or only digits",
                }
            ],
        )


def new_account(
    hasher: PasswordHasher,
    clock: Clock,
    *,
    email: str,
    password: str,
    display_name: str,
    is_staff: bool = False,
) -> User:
    """A new user's profile: the address normalised, the password checked and hashed, the
    display name defaulting to the address's local part."""
    address = normalise_email(email)
    _check_password(password)
    now = clock.now()
    name = display_name.strip() or address.split("@")[0]
    return User(new_id(), address, name, hasher.hash(password), now, now, is_staff=is_staff)


class AuthService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        tokens: TokenService,
        throttle: LoginThrottle,
        clock: Clock,
        refresh_ttl: timedelta,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._tokens = tokens
        self._throttle = throttle
        self._clock = clock
        self._refresh_ttl = refresh_ttl

    def register(self, *, email: str, password: str, display_name: str, client: ClientInfo) -> User:
        user = new_account(
            self._hasher, self._clock, email=email, password=password, display_name=display_name
        )
        with self._uow() as uow:
            uow.users.add(user)
            uow.audit(
                audit(
                    org_id=None,
                    principal=Principal(user.id),
                    action="user.register",
                    resource=("user", user.id),
                    at=user.created_at,
                    request_id=client.request_id,
                )
            )
            uow.commit()
        return replace(user, version=1)

    def login(self, *, email: str, password: str, client: ClientInfo) -> TokenPair:
        scopes = [f"email:{email.strip().lower()}", f"ip:{client.ip}"]
        self._throttle.check(scopes)
        with self._uow() as uow:
            user = uow.users.get_by_email(email.strip().lower())
            if user is None:
                self._hasher.dummy_verify()
            if (
                user is None
                or not self._hasher.verify(password, user.password_hash)
                or not user.is_active
            ):
                self._throttle.failed(scopes)
                raise Unauthenticated(INVALID_LOGIN)
            pair, session = self._new_session(user, new_id(), client)
            uow.sessions.add(session)
            uow.audit(
                audit(
                    org_id=None,
                    principal=Principal(user.id),
                    action="auth.login",
                    resource=("session", session.id),
                    at=session.created_at,
                    request_id=client.request_id,
                )
            )
            uow.commit()
        return pair

    def refresh(self, *, refresh_token: str, client: ClientInfo) -> TokenPair:
        """Rotate: the presented token's session is replaced; presenting a replaced token
        again revokes every session of its family (the token was stolen or replayed)."""
        session_id, _, secret = refresh_token.partition(".")
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.sessions.get(session_id) if session_id and secret else None
            if session is None or not matches(secret, session.secret_hash):
                raise Unauthenticated("invalid refresh token")
            if session.replaced_by is not None:
                self._revoke_family(uow, session, client, reason="refresh token reused")
                raise Unauthenticated(
                    "refresh token reused; every session of its family is revoked"
                )
            if not session.usable(now):
                raise Unauthenticated("refresh token expired or revoked")
            # Read the profile again: the new access token carries its current staff flag.
            user = uow.users.get(session.user_id)
            if user is None or not user.is_active:
                raise Unauthenticated("the account is disabled")
            pair, new = self._new_session(user, session.family_id, client)
            uow.sessions.replace(session, new)
            uow.commit()
        return pair

    def logout(self, *, principal: Principal, session_id: str | None, client: ClientInfo) -> None:
        principal.require_user("sign out a user")
        if session_id is None:
            return
        self.revoke_session(principal=principal, session_id=session_id, client=client)

    def list_sessions(self, *, principal: Principal) -> list[Session]:
        principal.require_user("list a user's sessions")
        now = self._clock.now()
        with self._uow() as uow:
            sessions = uow.sessions.list_for_user(principal.user_id)
        return [s for s in sessions if s.usable(now)]

    def revoke_session(self, *, principal: Principal, session_id: str, client: ClientInfo) -> None:
        principal.require_user("revoke a user's sessions")
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.sessions.get(session_id)
            if session is None or session.user_id != principal.user_id:
                raise NotFound("session not found")
            if session.revoked_at is None:
                uow.sessions.revoke(session, now)
                uow.audit(
                    audit(
                        org_id=None,
                        principal=principal,
                        action="session.revoke",
                        resource=("session", session.id),
                        at=now,
                        request_id=client.request_id,
                    )
                )
                uow.commit()

    def session_active(self, session_id: str) -> bool:
        with self._uow() as uow:
            session = uow.sessions.get(session_id)
        return session is not None and session.revoked_at is None

    def _revoke_family(self, uow, session: Session, client: ClientInfo, *, reason: str) -> None:  # type: ignore[no-untyped-def]
        now = self._clock.now()
        for member in uow.sessions.list_family(session.family_id):
            if member.revoked_at is None:
                uow.sessions.revoke(member, now)
        uow.audit(
            audit(
                org_id=None,
                principal=Principal(session.user_id),
                action="session.family_revoke",
                resource=("session_family", session.family_id),
                at=now,
                request_id=client.request_id,
                reason=reason,
            )
        )
        uow.commit()

    def _new_session(
        self, user: User, family_id: str, client: ClientInfo
    ) -> tuple[TokenPair, Session]:
        now = self._clock.now()
        secret = new_secret()
        session = Session(
            new_id(),
            user.id,
            family_id,
            digest(secret),
            now,
            now + self._refresh_ttl,
            client.user_agent[:256],
            client.ip,
        )
        access, expires_in = self._tokens.issue(
            user_id=user.id, session_id=session.id, is_staff=user.is_staff
        )
        return TokenPair(access, f"{session.id}.{secret}", expires_in, session.id), session


class ProfileService:
    """The signed-in user's own profile and preferences (`/api/me`)."""

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def get(self, *, principal: Principal) -> User:
        principal.require_user("read a user profile")
        with self._uow() as uow:
            return found(uow.users.get(principal.user_id), "user")

    def update(
        self,
        *,
        principal: Principal,
        expected_version: int | None,
        display_name: str | None = None,
        preferences: dict[str, Any] | None = None,
        request_id: str = "",
    ) -> User:
        principal.require_user("change a user profile")
        now = self._clock.now()
        with self._uow() as uow:
            user = found(uow.users.get(principal.user_id), "user")
            check_version(expected_version, user.version, "profile")
            changed = replace(
                user,
                display_name=(display_name.strip() if display_name else user.display_name),
                preferences=replace(user.preferences, **(preferences or {})),
                updated_at=now,
            )
            uow.users.save(changed)
            uow.audit(
                audit(
                    org_id=None,
                    principal=principal,
                    action="user.update",
                    resource=("user", user.id),
                    at=now,
                    request_id=request_id,
                )
            )
            uow.commit()
        return replace(changed, version=user.version + 1)
