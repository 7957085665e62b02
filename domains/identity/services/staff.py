"""What staff do to people across every organisation (the Django admin calls these): sign in,
bootstrap the first staff user, browse and change users, and revoke their sessions.

Every use case but sign-in and bootstrap requires a staff principal; every change is audited
at platform level in the transaction of the change, like the API's own services.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol

from domains.identity.model import (
    ApiKey,
    Content,
    Membership,
    Organization,
    Session,
    User,
    normalise_email,
)
from domains.identity.ports import (
    LoginThrottle,
    PasswordHasher,
    UnitOfWorkFactory,
    WebSessions,
)
from domains.identity.services.auth import INVALID_LOGIN, _check_password
from domains.shared.audit import AuditEntry, audit
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, Forbidden, Unauthenticated
from domains.shared.guards import check_version, found
from domains.shared.ids import is_valid_id, new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.tenancy import Principal

REVOKE_CHUNK = 40


class StaffBrowser(Protocol):
    """Whole-table browsing for staff: paginated Scans (never serving an API request), except
    `staff`, which queries the sparse staff index."""

    def users(self, page: PageRequest, *, active: bool | None = None) -> Page[User]: ...

    def staff(self, page: PageRequest) -> Page[User]: ...

    def organizations(self, page: PageRequest) -> Page[Organization]: ...

    def memberships(self, page: PageRequest) -> Page[Membership]: ...

    def sessions(self, page: PageRequest) -> Page[Session]: ...

    def api_keys(self, page: PageRequest) -> Page[ApiKey]: ...

    def content(self, page: PageRequest) -> Page[Content]: ...


def require_staff(principal: Principal) -> None:
    if not principal.is_staff or principal.api_key_id is not None:
        raise Forbidden("staff only")


class StaffService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        throttle: LoginThrottle,
        clock: Clock,
        browser: StaffBrowser,
        web_sessions: WebSessions | None = None,
    ) -> None:
        self._uow = uow
        self._web_sessions = web_sessions
        self._hasher = hasher
        self._throttle = throttle
        self._clock = clock
        self._browser = browser

    # -- signing in and the first staff user ---------------------------------------------------

    def sign_in(self, *, email: str, password: str, ip: str = "") -> User:
        """The active staff user with these credentials (throttled like the API's login)."""
        address = email.strip().lower()
        scopes = [f"email:{address}", f"ip:{ip}"]
        self._throttle.check(scopes)
        with self._uow() as uow:
            user = uow.users.get_by_email(address)
            if user is None:
                self._hasher.dummy_verify()
            ok = user is not None and self._hasher.verify(password, user.password_hash)
            if user is None or not ok or not (user.is_active and user.is_staff):
                self._throttle.failed(scopes)
                raise Unauthenticated(INVALID_LOGIN)
            uow.audit(self._entry(Principal(user.id, is_staff=True), "staff.sign_in", user.id))
            uow.commit()
        return user

    def staff_member(self, user_id: str) -> User | None:
        """The user behind an admin session, while still active staff (else None)."""
        if not is_valid_id(user_id):
            return None
        with self._uow() as uow:
            user = uow.users.get(user_id)
        return user if user is not None and user.is_active and user.is_staff else None

    def create_staff(self, *, email: str, password: str, display_name: str = "") -> User:
        """A new staff account (the bootstrap of an empty store); Conflict if the e-mail is
        taken."""
        address = normalise_email(email)
        _check_password(password)
        now = self._clock.now()
        user = User(
            new_id(),
            address,
            display_name.strip() or address.split("@")[0],
            self._hasher.hash(password),
            now,
            now,
            is_staff=True,
        )
        with self._uow() as uow:
            uow.users.add(user)
            uow.audit(self._entry(Principal("system"), "staff.create", user.id))
            uow.commit()
        return replace(user, version=1)

    # -- users ---------------------------------------------------------------------------------

    def list_users(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        staff_only: bool = False,
        active: bool | None = None,
    ) -> Page[User]:
        require_staff(principal)
        if staff_only:
            return self._browser.staff(page)
        return self._browser.users(page, active=active)

    def find_users(self, *, principal: Principal, text: str) -> list[User]:
        """Exact lookup by id or by e-mail: one GetItem (two for an e-mail)."""
        require_staff(principal)
        text = text.strip()
        with self._uow() as uow:
            if is_valid_id(text.upper()):
                user = uow.users.get(text.upper())
            else:
                user = uow.users.get_by_email(text.lower())
        return [user] if user else []

    def get_user(self, *, principal: Principal, user_id: str) -> User:
        require_staff(principal)
        with self._uow() as uow:
            return found(uow.users.get(user_id) if is_valid_id(user_id) else None, "user")

    def update_user(
        self,
        *,
        principal: Principal,
        user_id: str,
        expected_version: int | None,
        display_name: str,
        is_active: bool,
        is_staff: bool,
        request_id: str = "",
    ) -> User:
        require_staff(principal)
        now = self._clock.now()
        with self._uow() as uow:
            user = found(uow.users.get(user_id) if is_valid_id(user_id) else None, "user")
            check_version(expected_version, user.version, "user")
            if user.id == principal.user_id and not (is_active and is_staff):
                raise Conflict("you cannot deactivate yourself or drop your own staff flag")
            changed = replace(
                user,
                display_name=display_name.strip() or user.display_name,
                is_active=is_active,
                is_staff=is_staff,
                updated_at=now,
            )
            uow.users.save(changed)
            details = {"is_active": is_active, "is_staff": is_staff}
            uow.audit(self._entry(principal, "staff.user.update", user.id, request_id, **details))
            uow.commit()
        return replace(changed, version=user.version + 1)

    def set_flags(
        self,
        *,
        principal: Principal,
        user_ids: Iterable[str],
        request_id: str = "",
        is_active: bool | None = None,
        is_staff: bool | None = None,
    ) -> int:
        """Activate, deactivate or make staff each user (one transaction each); how many
        changed. Users already in that state are left alone."""
        require_staff(principal)
        changed = 0
        for user_id in user_ids:
            with self._uow() as uow:
                user = found(uow.users.get(user_id) if is_valid_id(user_id) else None, "user")
                wanted = replace(
                    user,
                    is_active=user.is_active if is_active is None else is_active,
                    is_staff=user.is_staff if is_staff is None else is_staff,
                )
                if wanted == user:
                    continue
                if user.id == principal.user_id:
                    raise Conflict("you cannot deactivate yourself or drop your own staff flag")
                uow.users.save(replace(wanted, updated_at=self._clock.now()))
                details = {"is_active": wanted.is_active, "is_staff": wanted.is_staff}
                uow.audit(
                    self._entry(principal, "staff.user.update", user.id, request_id, **details)
                )
                uow.commit()
                changed += 1
        return changed

    # -- sessions ------------------------------------------------------------------------------

    def list_sessions(
        self, *, principal: Principal, page: PageRequest, user_id: str | None = None
    ) -> Page[Session]:
        """One user's sessions (their index, newest first), else every session (a Scan)."""
        require_staff(principal)
        if not user_id:
            return self._browser.sessions(page)
        if not is_valid_id(user_id):
            return Page([])
        with self._uow() as uow:
            return Page(uow.sessions.list_for_user(user_id))

    def get_session(self, *, principal: Principal, session_id: str) -> Session:
        require_staff(principal)
        with self._uow() as uow:
            valid = is_valid_id(session_id)
            return found(uow.sessions.get(session_id) if valid else None, "session")

    def revoke_sessions(
        self, *, principal: Principal, session_ids: Iterable[str], request_id: str = ""
    ) -> int:
        require_staff(principal)
        chosen = []
        with self._uow() as uow:
            for session_id in session_ids:
                valid = is_valid_id(session_id)
                chosen.append(found(uow.sessions.get(session_id) if valid else None, "session"))
        return self._revoke(principal, [s for s in chosen if s.revoked_at is None], request_id)

    def reset_sessions(
        self, *, principal: Principal, user_ids: Iterable[str], request_id: str = ""
    ) -> int:
        """Revoke every usable API session of each user and end their browser (admin)
        sessions: they must sign in again everywhere. How many sessions ended."""
        require_staff(principal)
        now, usable, ids = self._clock.now(), [], list(user_ids)
        with self._uow() as uow:
            for user_id in ids:
                found(uow.users.get(user_id) if is_valid_id(user_id) else None, "user")
                usable += [s for s in uow.sessions.list_for_user(user_id) if s.usable(now)]
        ended = self._revoke(principal, usable, request_id)
        if self._web_sessions is not None:
            ended += sum(self._web_sessions.end_all(user_id) for user_id in ids)
        return ended

    def _revoke(self, principal: Principal, sessions: list[Session], request_id: str) -> int:
        """A transaction per chunk: each revocation and its audit entry are two of the at
        most 100 actions of one TransactWriteItems."""
        now = self._clock.now()
        for start in range(0, len(sessions), REVOKE_CHUNK):
            with self._uow() as uow:
                for session in sessions[start : start + REVOKE_CHUNK]:
                    uow.sessions.revoke(session, now)
                    uow.audit(
                        self._entry(principal, "staff.session.revoke", session.id, request_id)
                    )
                uow.commit()
        return len(sessions)

    def _entry(
        self,
        principal: Principal | None,
        action: str,
        resource_id: str,
        request_id: str = "",
        **details: object,
    ) -> AuditEntry:
        kind = action.split(".")[-2] if action.count(".") > 1 else "user"
        return audit(
            org_id=None,
            principal=principal,
            action=action,
            resource=(kind, resource_id),
            at=self._clock.now(),
            request_id=request_id,
            **details,
        )
