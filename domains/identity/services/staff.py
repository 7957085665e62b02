"""What staff do to people across every organisation (the Django admin calls these): sign in,
bootstrap the first staff user, browse, add, change and delete users, and (through
`StaffSessions`) revoke their sessions.

Every use case but sign-in and bootstrap requires a staff principal; every change is audited
at platform level in the transaction of the change, like the API's own services.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from domains.identity.model import User
from domains.identity.ports import LoginThrottle, PasswordHasher, UnitOfWorkFactory, WebSessions
from domains.identity.services.auth import INVALID_LOGIN, new_account
from domains.identity.services.staff_access import StaffBrowser, require_staff
from domains.identity.services.staff_removal import UserDeletion, delete_user
from domains.identity.services.staff_sessions import StaffSessions
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, Unauthenticated, ValidationFailed
from domains.shared.guards import check_version, found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.tenancy import Principal

EMAIL_TAKEN = "an account with this e-mail exists"
NOT_YOURSELF = "you cannot deactivate yourself or drop your own staff flag"


class StaffService(StaffSessions):
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
        super().__init__(uow=uow, clock=clock, browser=browser, web_sessions=web_sessions)
        self._hasher = hasher
        self._throttle = throttle

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
        user = self._account(email, password, display_name, is_staff=True)
        return self._add(user, Principal("system"), "staff.create")

    # -- users ---------------------------------------------------------------------------------

    def create_user(
        self,
        *,
        principal: Principal,
        email: str,
        display_name: str,
        password: str,
        is_staff: bool = False,
        request_id: str = "",
    ) -> User:
        """A new account added by staff; a taken e-mail is a field error."""
        require_staff(principal)
        user = self._account(email, password, display_name, is_staff=is_staff)
        with self._uow() as uow:
            if uow.users.get_by_email(user.email) is not None:
                raise ValidationFailed(EMAIL_TAKEN, errors=[{"loc": ["email"], "msg": EMAIL_TAKEN}])
        return self._add(user, principal, "staff.user.create", request_id, is_staff=is_staff)

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
                raise Conflict(NOT_YOURSELF)
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
                    raise Conflict(NOT_YOURSELF)
                uow.users.save(replace(wanted, updated_at=self._clock.now()))
                details = {"is_active": wanted.is_active, "is_staff": wanted.is_staff}
                uow.audit(
                    self._entry(principal, "staff.user.update", user.id, request_id, **details)
                )
                uow.commit()
                changed += 1
        return changed

    def delete_user(
        self,
        *,
        principal: Principal,
        user_id: str,
        expected_version: int | None,
        request_id: str = "",
    ) -> UserDeletion:
        """Delete the user and what names them (see `staff_removal`), then sign them out of
        every browser. Conflict while they are an organisation's sole owner."""
        require_staff(principal)
        if user_id == principal.user_id:
            raise Conflict("you cannot delete yourself")
        deleted = delete_user(
            self._uow,
            principal=principal,
            user_id=user_id,
            expected_version=expected_version,
            at=self._clock.now(),
            request_id=request_id,
        )
        return replace(deleted, web_sessions=self._end_web_sessions(user_id))

    def _account(self, email: str, password: str, display_name: str, *, is_staff: bool) -> User:
        return new_account(
            self._hasher,
            self._clock,
            email=email,
            password=password,
            display_name=display_name,
            is_staff=is_staff,
        )

    def _add(
        self, user: User, principal: Principal, action: str, request_id: str = "", **details: bool
    ) -> User:
        with self._uow() as uow:
            uow.users.add(user)
            uow.audit(self._entry(principal, action, user.id, request_id, **details))
            uow.commit()
        return replace(user, version=1)
