"""What staff do to sessions: browse them, revoke some, and sign users out everywhere."""

from __future__ import annotations

from collections.abc import Iterable

from domains.identity.model import Session
from domains.identity.ports import UnitOfWorkFactory, WebSessions
from domains.identity.services.staff_access import StaffBrowser, require_staff, staff_entry
from domains.shared.audit import AuditEntry
from domains.shared.clock import Clock
from domains.shared.guards import found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.tenancy import Principal

REVOKE_CHUNK = 40  # a revocation and its audit entry: two of a transaction's writes each


class StaffSessions:
    """The session half of the staff service (`StaffService` builds on it)."""

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        browser: StaffBrowser,
        web_sessions: WebSessions | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._browser = browser
        self._web_sessions = web_sessions

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
        return ended + sum(self._end_web_sessions(user_id) for user_id in ids)

    def _end_web_sessions(self, user_id: str) -> int:
        return self._web_sessions.end_all(user_id) if self._web_sessions is not None else 0

    def _revoke(self, principal: Principal, sessions: list[Session], request_id: str) -> int:
        """A transaction per chunk: each revocation with its own audit entry."""
        now = self._clock.now()
        for start in range(0, len(sessions), REVOKE_CHUNK):
            with self._uow() as uow:
                for session in sessions[start : start + REVOKE_CHUNK]:
                    uow.sessions.revoke(session, now)
                    entry = self._entry(principal, "staff.session.revoke", session.id, request_id)
                    uow.audit(entry)
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
        return staff_entry(
            principal, action, resource_id, at=self._clock.now(), request_id=request_id, **details
        )
