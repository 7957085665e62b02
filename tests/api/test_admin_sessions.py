"""The Django session engine over `user-sessions`: TTL, key collisions, deletion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.sessions.backends.base import CreateError, UpdateError

from domains.shared.errors import Conflict
from nexus.admin.sessions import SessionStore
from nexus.container import container


def test_a_session_round_trips_with_its_expiry_as_ttl(stack) -> None:  # type: ignore[no-untyped-def]
    session = SessionStore()
    session["answer"] = 42
    session.set_expiry(600)
    session.save()
    item = container().identity.web_sessions().get(session.session_key)
    assert item is not None
    expected = datetime.now(UTC) + timedelta(seconds=600)
    assert abs((item[1] - expected).total_seconds()) < 5
    assert SessionStore(session.session_key)["answer"] == 42


def test_an_expired_session_reads_as_gone(stack) -> None:  # type: ignore[no-untyped-def]
    store = container().identity.web_sessions()
    past = datetime.now(UTC) - timedelta(seconds=5)
    store.put(
        "expiredkey123",
        SessionStore().encode({"a": 1}),
        expires_at=past,
        user_id="",
        must_create=True,
    )
    assert store.get("expiredkey123") is None
    loaded = SessionStore("expiredkey123")
    assert loaded.load() == {} and loaded.session_key is None


def test_creating_over_a_taken_key_fails_and_create_picks_another(stack) -> None:  # type: ignore[no-untyped-def]
    first = SessionStore()
    first.create()
    twin = SessionStore()
    twin._session_key = first.session_key
    with pytest.raises(CreateError):
        twin.save(must_create=True)
    store = container().identity.web_sessions()
    later = datetime.now(UTC) + timedelta(hours=1)
    with pytest.raises(Conflict):
        store.put(first.session_key, "x", expires_at=later, user_id="", must_create=True)
    fresh = SessionStore()
    fresh.create()
    assert fresh.session_key != first.session_key


def test_a_deleted_session_is_not_written_back(stack) -> None:  # type: ignore[no-untyped-def]
    session = SessionStore()
    session["x"] = 1
    session.save()
    key = session.session_key
    SessionStore(key).delete()
    assert not session.exists(key)
    session["x"] = 2
    with pytest.raises(UpdateError):
        session.save()
    assert not session.exists(key)
