"""In-memory fake of the session repository: refresh-token sessions and their rotation."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from domains.identity.model import Session
from domains.shared.errors import Conflict
from tests.fakes.staged import FakeRepository


def _newest_first(sessions: list[Session]) -> list[Session]:
    return sorted(sessions, key=lambda x: (x.created_at, x.id), reverse=True)


class InMemorySessions(FakeRepository):
    """Sessions in `uow.store.sessions` by id; lists are newest first, like the indexes."""

    def get(self, session_id: str) -> Session | None:
        found: Session | None = self._s.sessions.get(session_id)
        return found

    def list_for_user(self, user_id: str) -> list[Session]:
        return _newest_first([x for x in self._s.sessions.values() if x.user_id == user_id])

    def list_family(self, family_id: str) -> list[Session]:
        return _newest_first([x for x in self._s.sessions.values() if x.family_id == family_id])

    def add(self, session: Session) -> None:
        def apply(s: Any) -> None:
            if session.id in s.sessions:
                raise Conflict("session exists")
            s.sessions[session.id] = session

        self._stage(("session", session.id), apply)

    def replace(self, old: Session, new: Session) -> None:
        """Loses (Conflict) when `old` was rotated or revoked meanwhile."""

        def apply(s: Any) -> None:
            stored = s.sessions.get(old.id)
            if stored is not None and (stored.replaced_by or stored.revoked_at):
                raise Conflict("refresh token already used")
            s.sessions[old.id] = replace(stored or old, replaced_by=new.id)

        self._stage(("session", old.id), apply)
        self.add(new)

    def revoke(self, session: Session, at: datetime) -> None:
        def apply(s: Any) -> None:
            s.sessions[session.id] = replace(s.sessions.get(session.id, session), revoked_at=at)

        self._stage(("session", session.id), apply)
