"""Purge where the store does not expire items: expired sessions, admin sessions, throttle
windows, invitations, pending uploads and idempotency records go; live ones, one refreshed
between the Scan and the delete, and audit rows not archived yet stay; reads already leave
every expired kind out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.dynamodb.archive import Archiver
from adapters.dynamodb.codec import encode_item
from adapters.dynamodb.idempotency import DynamoIdempotencyStore, idempotency_key
from adapters.dynamodb.identity.throttle import DynamoLoginThrottle
from adapters.dynamodb.purge import Purger
from adapters.dynamodb.uow import audit_item
from domains.identity.model import Content, Invitation, Session
from domains.shared.audit import AuditEntry
from domains.shared.clock import FixedClock, SystemClock
from domains.shared.errors import Throttled
from domains.shared.ids import new_id

NOW = datetime.now(UTC).replace(microsecond=0)
PAST, FUTURE = NOW - timedelta(hours=1), NOW + timedelta(days=1)


def _session(expires: datetime) -> Session:
    return Session(new_id(), "u1", new_id(), "digest", NOW - timedelta(days=1), expires, "ua", "ip")


def _invitation(expires: datetime) -> Invitation:
    return Invitation(new_id(), "org1", f"{new_id()}@x.io", "member", "u1", new_id(), NOW, expires)


def _content(expires: datetime) -> Content:
    cid = new_id()
    return Content(
        cid, "org1", "u1", "a.pdf", "application/pdf", 1, f"k/{cid}", NOW, NOW, expires_at=expires
    )


def _write(root: Any, *stages: Any) -> None:
    with root.identity.uow()() as uow:
        for stage in stages:
            stage(uow)
        uow.commit()


def _raw(root: Any, table: str, key: dict[str, str]) -> bool:
    found = root.gateways.dynamo().get_item(table, Key=encode_item(key), ConsistentRead=True)
    return "Item" in found


class _RefreshingClient:
    """The client, but right after each Scan page a caller refreshes one admin session."""

    def __init__(self, inner: Any, refresh: Any) -> None:
        self._inner, self._refresh = inner, refresh

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def scan(self, table: str, **request: Any) -> Any:
        page = self._inner.scan(table, **request)
        if table == "user-sessions":
            self._refresh()
        return page


@pytest.fixture
def stack(make_stack):  # type: ignore[no-untyped-def]
    return make_stack(())


def test_expired_items_are_purged_and_live_or_refreshed_ones_survive(stack) -> None:  # type: ignore[no-untyped-def]
    root, client = stack, stack.gateways.dynamo()
    sessions = {"old": _session(PAST), "live": _session(FUTURE)}
    invites = {"old": _invitation(PAST), "live": _invitation(FUTURE)}
    uploads = {"old": _content(PAST), "live": _content(FUTURE)}
    _write(
        root,
        *(lambda uow, s=s: uow.sessions.add(s) for s in sessions.values()),
        *(lambda uow, i=i: uow.invitations.add(i) for i in invites.values()),
        *(lambda uow, c=c: uow.content.add(c) for c in uploads.values()),
    )
    web = root.identity.web_sessions()
    for key, expires in (("oldweb", PAST), ("liveweb", FUTURE), ("refreshed", PAST)):
        web.put(key, "data", expires_at=expires, user_id="u1", must_create=True)
    DynamoLoginThrottle(
        client, clock=FixedClock(NOW - timedelta(hours=2)), limit=1, window=900
    ).failed(["old"])
    live_throttle = DynamoLoginThrottle(client, clock=SystemClock(), limit=1, window=900)
    live_throttle.failed(["live"])
    DynamoIdempotencyStore(client, clock=FixedClock(NOW - timedelta(days=2))).claim(
        "s", "old", "fp"
    )
    root.idempotency().claim("s", "live", "fp")
    entry = AuditEntry("org1", "u1", "x.done", "x", "1", at=NOW - timedelta(days=31))
    client.put_item("system-logs", Item=encode_item(audit_item(entry, timedelta(days=30))))

    def refresh() -> None:
        web.put("refreshed", "data", expires_at=FUTURE, user_id="u1", must_create=False)

    archiver = Archiver(client, root.gateways.object_store(), clock=SystemClock(), features=())
    purger = Purger(
        _RefreshingClient(client, refresh),
        clock=SystemClock(),
        features=(),
        is_aws=False,
        archiver=archiver,
    )
    report = purger.run()

    assert report.deleted == {
        "organization-data": 1,
        "user-sessions": 3,  # a refresh-token session, an admin session, a throttle window
        "system-logs": 1,  # the idempotency record; the audit row awaits its archive
        "user-content-metadata": 1,
    }
    assert report.kept == {
        "organization-data": 0,
        "user-sessions": 1,
        "system-logs": 1,
        "user-content-metadata": 0,
    }
    assert not _raw(root, "user-sessions", {"pk": f"SESSION#{sessions['old'].id}", "sk": "SESSION"})
    assert _raw(root, "user-sessions", {"pk": f"SESSION#{sessions['live'].id}", "sk": "SESSION"})
    assert web.get("oldweb") is None and web.get("liveweb") and web.get("refreshed")
    with pytest.raises(Throttled):
        live_throttle.check(["live"])  # its window survived
    with root.identity.uow()() as uow:
        assert uow.invitations.get("org1", invites["live"].id) is not None
        assert uow.content.get("org1", uploads["live"].id) is not None
    assert not _raw(
        root, "organization-data", {"pk": "ORG#org1", "sk": f"INVITE#{invites['old'].id}"}
    )
    assert not _raw(
        root, "user-content-metadata", {"pk": "ORG#org1", "sk": f"CONTENT#{uploads['old'].id}"}
    )
    assert not _raw(root, "system-logs", idempotency_key("s", "old"))
    assert _raw(root, "system-logs", idempotency_key("s", "live"))

    # once archived, the expired audit row goes too; a second purge finds nothing else
    assert archiver.run().rows == 1
    again = purger.run()
    assert again.deleted["system-logs"] == 1 and again.total == 1


def test_on_aws_the_purge_does_nothing(stack) -> None:  # type: ignore[no-untyped-def]
    _write(stack, lambda uow: uow.sessions.add(_session(PAST)))
    archiver = stack.archiver()
    report = Purger(
        stack.gateways.dynamo(), clock=SystemClock(), features=(), is_aws=True, archiver=archiver
    ).run()
    assert report.disabled and report.total == 0
    assert stack.purger().run().deleted["user-sessions"] == 1  # the container's: not AWS


def test_reads_leave_out_expired_refresh_sessions_and_throttle_windows(stack) -> None:  # type: ignore[no-untyped-def]
    old, live = _session(PAST), _session(FUTURE)
    _write(stack, lambda uow: uow.sessions.add(old), lambda uow: uow.sessions.add(live))
    with stack.identity.uow()() as uow:
        assert uow.sessions.get(old.id) is None and uow.sessions.get(live.id) == live
        assert uow.sessions.list_for_user("u1") == [live]
    clock = FixedClock(NOW)
    throttle = DynamoLoginThrottle(stack.gateways.dynamo(), clock=clock, limit=1, window=900)
    throttle.failed(["scope"])
    with pytest.raises(Throttled):
        throttle.check(["scope"])
    clock.advance(seconds=900)  # the window has expired: it no longer counts
    throttle.check(["scope"])


def test_purge_expired_command(stack, capsys) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    old, live = _session(PAST), _session(FUTURE)
    _write(stack, lambda uow: uow.sessions.add(old), lambda uow: uow.sessions.add(live))
    call_command("purge_expired")
    out = capsys.readouterr().out
    assert "user-sessions: 1 deleted, 0 kept" in out and "purged 1 items" in out
    assert _raw(stack, "user-sessions", {"pk": f"SESSION#{live.id}", "sk": "SESSION"})
