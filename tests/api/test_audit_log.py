"""GET /api/organizations/{org_id}/audit: filters, newest first, pages, 401/403/404/422."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domains.shared.ids import new_id
from tests.api.members import add_member as _add_member


@pytest.fixture
def audited(signup):  # type: ignore[no-untyped-def]
    """ada owns an organisation where bob (admin) and vic (member) were added, then the
    organisation was renamed and vic made a viewer: four entries besides the creation."""
    ada, bob, vic = signup("ada", org=True), signup("bob"), signup("vic")
    _add_member(ada, bob, "admin")
    _add_member(ada, vic, "member")
    base = f"/api/organizations/{ada.org_id}"
    assert ada.call("PATCH", base, {"name": "Renamed"}).status_code == 200
    changed = bob.call("PATCH", f"{base}/members/{vic.user_id}", {"role": "viewer"})
    assert changed.status_code == 200
    return ada, bob, vic


def _audit(caller, query: str = "") -> object:  # type: ignore[no-untyped-def]
    return caller.call("GET", f"/api/organizations/{caller.org_id}/audit{query}")


def test_admins_read_the_log_newest_first(audited):  # type: ignore[no-untyped-def]
    ada, bob, _ = audited
    answer = _audit(bob)
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [i["action"] for i in items] == [
        "member.change_role",
        "organization.update",
        "organization.create",
    ]
    latest = items[0]
    assert set(latest) == {
        "id",
        "actor_id",
        "action",
        "resource_type",
        "resource_id",
        "request_id",
        "at",
        "details",
    }
    assert (latest["actor_id"], latest["resource_type"], latest["details"]) == (
        bob.user_id,
        "member",
        {"role": "viewer"},
    )
    assert latest["request_id"] and latest["at"] >= items[1]["at"]
    assert [i["id"] for i in _audit(ada).json()["items"]] == [i["id"] for i in items]


def test_reading_the_log_writes_nothing(audited):  # type: ignore[no-untyped-def]
    ada = audited[0]
    first = _audit(ada).json()["items"]
    assert _audit(ada).json()["items"] == first


def test_filters_by_actor_action_both_and_time(audited):  # type: ignore[no-untyped-def]
    ada, bob, _ = audited
    by_actor = _audit(ada, f"?actor={ada.user_id}").json()["items"]
    assert [i["action"] for i in by_actor] == ["organization.update", "organization.create"]
    by_action = _audit(ada, "?action=member.change_role").json()["items"]
    assert [i["actor_id"] for i in by_action] == [bob.user_id]
    both = _audit(ada, f"?actor={ada.user_id}&action=organization.update").json()["items"]
    assert [i["action"] for i in both] == ["organization.update"]
    none = _audit(ada, f"?actor={bob.user_id}&action=organization.update").json()["items"]
    assert none == []

    update = by_actor[0]["at"]
    same = _audit(ada, f"?from={update}&to={update}").json()["items"]
    assert [i["action"] for i in same] == ["organization.update"]  # both ends inclusive
    since = _audit(ada, f"?from={update}").json()["items"]
    assert [i["action"] for i in since] == ["member.change_role", "organization.update"]
    before = datetime.fromisoformat(update.replace("Z", "+00:00")) - timedelta(milliseconds=1)
    until = _audit(ada, f"?to={before.isoformat().replace('+00:00', 'Z')}").json()["items"]
    assert [i["action"] for i in until] == ["organization.create"]
    ranged = _audit(ada, f"?actor={ada.user_id}&from={update}&to={update}").json()["items"]
    assert [i["action"] for i in ranged] == ["organization.update"]


def test_pages_follow_the_cursor_and_the_cursor_its_query(audited):  # type: ignore[no-untyped-def]
    ada = audited[0]
    first = _audit(ada, "?limit=2").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = _audit(ada, f"?limit=2&cursor={first['next_cursor']}").json()
    assert [i["action"] for i in rest["items"]] == ["organization.create"]
    assert rest["next_cursor"] is None
    # a cursor is signed with its query: it cannot be replayed against another filter
    other = _audit(ada, f"?limit=2&action=organization.update&cursor={first['next_cursor']}")
    assert other.status_code == 422


@pytest.mark.parametrize(
    "query",
    [
        "?limit=0",
        "?limit=101",
        "?from=yesterday",
        "?to=2026-13-01T00:00:00Z",
        "?from=0001-01-01T00:00:00%2B01:00",
        "?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
        "?cursor=forged",
        "?actor=" + "x" * 201,
    ],
)
def test_bad_queries_are_422(audited, query):  # type: ignore[no-untyped-def]
    assert _audit(audited[0], query).status_code == 422


def test_members_and_viewers_may_not_read_it(audited, signup):  # type: ignore[no-untyped-def]
    ada, _, vic = audited
    assert _audit(vic).status_code == 403  # a viewer now
    mia = signup("mia")
    _add_member(ada, mia, "member")
    assert _audit(mia).status_code == 403


def test_other_organisations_and_strangers(audited, signup, http):  # type: ignore[no-untyped-def]
    ada = audited[0]
    eve = signup("eve", org=True)
    assert eve.call("GET", f"/api/organizations/{ada.org_id}/audit").status_code == 404
    assert eve.call("GET", f"/api/organizations/{new_id()}/audit").status_code == 404
    own = _audit(eve).json()["items"]
    assert [i["action"] for i in own] == ["organization.create"]  # only its own entries
    assert http.get(f"/api/organizations/{ada.org_id}/audit").status_code == 401


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("", None),
        ("?actor={ada}", "gsi1"),
        ("?action=x.y", "gsi2"),
        ("?actor={ada}&action=x.y", "gsi1"),
    ],
)
def test_each_filter_is_one_query_of_its_index(audited, query, index):  # type: ignore[no-untyped-def]
    from nexus.container import container

    ada = audited[0]
    with container().gateways.recorder().capture() as calls:
        assert _audit(ada, query.format(ada=ada.user_id)).status_code == 200
    reads = [(c.operation, c.index) for c in calls if c.table == "system-logs"]
    assert reads == [("Query", index)]
