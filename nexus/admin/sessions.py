"""A Django session engine over `user-sessions` (SESSION_ENGINE = "nexus.admin.sessions")."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import CreateError, SessionBase, UpdateError

from domains.shared.errors import Conflict, NotFound
from nexus.container import container


def _store() -> Any:
    return container().identity.web_sessions()


class SessionStore(SessionBase):
    """The session's data and expiry are one item with a TTL; a new key is claimed with a
    conditional put, so a collision makes another key rather than joining a session."""

    def load(self) -> dict[str, Any]:
        found = _store().get(self.session_key) if self.session_key else None
        if found is None:
            self._session_key = None
            return {}
        return self.decode(found[0])

    def exists(self, session_key: str) -> bool:
        return _store().get(session_key) is not None

    def create(self) -> None:
        while True:
            self._session_key = self._get_new_session_key()
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        try:
            _store().put(
                self.session_key,
                self.encode(data),
                expires_at=self.get_expiry_date(),
                user_id=str(data.get("_auth_user_id", "")),
                must_create=must_create,
            )
        except Conflict as e:
            raise CreateError from e
        except NotFound as e:
            raise UpdateError from e
        return None

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        if key:
            _store().delete(key)

    @classmethod
    def clear_expired(cls) -> None:
        """Nothing to do: DynamoDB's TTL removes expired sessions, and reads skip them."""
