"""/api/settings (staff) and /api/organizations/{org_id}/settings (effective values and
overrides): happy paths, 401, 403, 404 across tenants, 409, 412 stale, 422, one audit each."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.shared.ids import new_id
from tests.api.members import add_member as _add_member


def _make_staff(caller) -> None:  # type: ignore[no-untyped-def]
    """Flip is_staff on the profile, then sign in again: the flag rides in the access token."""
    from nexus.container import container

    with container().identity.uow()() as uow:
        uow.users.save(replace(uow.users.get(caller.user_id), is_staff=True))
        uow.commit()
    tokens = caller.http.post(
        "/api/auth/login",
        {"email": caller.email, "password": caller.password},
        content_type="application/json",
    ).json()
    caller.access, caller.refresh = tokens["access_token"], tokens["refresh_token"]


def _platform_setting_actions() -> list[str]:
    """Platform-level audit entries (no organisation) of settings."""
    from nexus.container import container

    items = (
        container()
        .gateways.dynamo()
        .query(
            "system-logs",
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": "PLATFORM#AUDIT"}},
        )["Items"]
    )
    return sorted(i["action"]["S"] for i in items if i["action"]["S"].startswith("setting."))


@pytest.fixture
def staff(signup):  # type: ignore[no-untyped-def]
    sam = signup("sam")
    _make_staff(sam)
    return sam


@pytest.fixture
def beta(staff):  # type: ignore[no-untyped-def]
    """A global bool setting `ui.beta`, off."""
    made = staff.call("PUT", "/api/settings/ui.beta", {"type": "bool", "value": False})
    assert made.status_code == 200, made.content
    return made


# -- global settings ------------------------------------------------------------------------------


def test_staff_create_change_list_and_delete_settings(staff):  # type: ignore[no-untyped-def]
    path = "/api/settings/limits.max_agents"
    body = {"type": "int", "value": 50, "description": "agents per organisation"}
    made = staff.call("PUT", path, body, **{"If-Match": '"0"'})  # "0": only if absent
    assert made.status_code == 200 and made["ETag"] == '"1"'
    assert made.json() | {"updated_at": None} == {
        "key": "limits.max_agents",
        "type": "int",
        "value": 50,
        "description": "agents per organisation",
        "updated_by": staff.user_id,
        "updated_at": None,
        "version": 1,
    }
    changed = staff.call("PUT", path, {**body, "value": 60}, **{"If-Match": '"1"'})
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    got = staff.call("GET", path)
    assert got.json()["value"] == 60 and got["ETag"] == '"2"'
    staff.call("PUT", "/api/settings/a.first", {"type": "string", "value": "x"})
    listed = staff.call("GET", "/api/settings?limit=1").json()
    assert [s["key"] for s in listed["items"]] == ["a.first"] and listed["next_cursor"]
    rest = staff.call("GET", f"/api/settings?limit=1&cursor={listed['next_cursor']}").json()
    assert [s["key"] for s in rest["items"]] == ["limits.max_agents"]
    assert staff.call("DELETE", path, **{"If-Match": '"2"'}).status_code == 204
    assert staff.call("GET", path).status_code == 404
    assert staff.call("DELETE", path).status_code == 404
    assert _platform_setting_actions() == [
        "setting.create",
        "setting.create",
        "setting.delete",
        "setting.update",
    ]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("bool", True),
        ("int", -7),
        ("float", 0.1),
        ("float", 2.0),
        ("string", ""),
        ("json", {"models": ["gpt", "llama"], "ratio": 0.25, "deep": {"x": [None, 1e200]}}),
        ("json", None),
    ],
)
def test_values_round_trip_in_their_type(staff, kind, value):  # type: ignore[no-untyped-def]
    made = staff.call("PUT", "/api/settings/some.key", {"type": kind, "value": value})
    assert made.status_code == 200, made.content
    got = staff.call("GET", "/api/settings/some.key").json()
    assert got["value"] == value and type(got["value"]) is type(value)


def test_stale_versions_are_412(staff, beta):  # type: ignore[no-untyped-def]
    path = "/api/settings/ui.beta"
    body = {"type": "bool", "value": True}
    assert staff.call("PUT", path, body, **{"If-Match": '"0"'}).status_code == 412
    assert staff.call("PUT", path, body, **{"If-Match": '"1"'}).status_code == 200
    assert staff.call("PUT", path, body, **{"If-Match": '"1"'}).status_code == 412
    assert staff.call("DELETE", path, **{"If-Match": '"1"'}).status_code == 412
    assert staff.call("PUT", "/api/settings/ui.new", body, **{"If-Match": '"3"'}).status_code == 412
    assert staff.call("GET", path).json()["version"] == 2


@pytest.mark.parametrize(
    ("key", "body"),
    [
        ("ui.x", {"type": "colour", "value": "red"}),
        ("ui.x", {"type": "int"}),
        ("ui.x", {"type": "int", "value": "50"}),
        ("ui.x", {"type": "int", "value": 1.5}),
        ("ui.x", {"type": "int", "value": 2**63}),
        ("ui.x", {"type": "bool", "value": 1}),
        ("ui.x", {"type": "float", "value": 1e200}),
        ("ui.x", {"type": "string", "value": "x" * 10_001}),
        ("ui.x", {"type": "string", "value": "x", "description": "d" * 501}),
        ("UI X", {"type": "int", "value": 1}),
        ("ui..x", {"type": "int", "value": 1}),
    ],
)
def test_bad_settings_are_422(staff, key, body):  # type: ignore[no-untyped-def]
    assert staff.call("PUT", f"/api/settings/{key}", body).status_code == 422


def test_a_settings_type_cannot_change(staff, beta):  # type: ignore[no-untyped-def]
    answer = staff.call("PUT", "/api/settings/ui.beta", {"type": "string", "value": "on"})
    assert answer.status_code == 409


def test_only_staff_reach_the_global_settings(signup, beta, http):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)  # an owner of an organisation is not staff
    for method, path, body in [
        ("GET", "/api/settings", None),
        ("GET", "/api/settings/ui.beta", None),
        ("PUT", "/api/settings/ui.beta", {"type": "bool", "value": True}),
        ("DELETE", "/api/settings/ui.beta", None),
    ]:
        assert ada.call(method, path, body).status_code == 403, (method, path)
        send = getattr(http, method.lower())
        assert send(path, body, content_type="application/json").status_code == 401


def test_staff_shows_in_the_next_token_and_leaves_with_it(signup):  # type: ignore[no-untyped-def]
    from nexus.container import container

    kim = signup("kim")
    old_token = kim.access
    _make_staff(kim)
    assert kim.call("GET", "/api/settings").status_code == 200
    kim.access = old_token  # issued before the flag was set
    assert kim.call("GET", "/api/settings").status_code == 403
    with container().identity.uow()() as uow:
        uow.users.save(replace(uow.users.get(kim.user_id), is_staff=False))
        uow.commit()
    refreshed = kim.http.post(
        "/api/auth/refresh", {"refresh_token": kim.refresh}, content_type="application/json"
    ).json()
    kim.access = refreshed["access_token"]
    assert kim.call("GET", "/api/settings").status_code == 403


# -- an organisation's settings -------------------------------------------------------------------


def test_members_read_effective_values_and_admins_override(signup, staff, beta):  # type: ignore[no-untyped-def]
    ada, mia = signup("ada", org=True), signup("mia")
    _add_member(ada, mia, "member")
    base = f"/api/organizations/{ada.org_id}/settings"
    listed = mia.call("GET", base).json()["items"]
    assert listed == [
        {
            "key": "ui.beta",
            "type": "bool",
            "description": "",
            "value": False,
            "source": "global",
            "global_value": False,
            "override_version": 0,
        }
    ]
    put = ada.call("PUT", f"{base}/ui.beta", {"value": True}, **{"If-Match": '"0"'})
    assert put.status_code == 200 and put["ETag"] == '"1"'
    assert put.json()["source"] == "organization" and put.json()["value"] is True
    got = mia.call("GET", f"{base}/ui.beta")
    assert got.json()["value"] is True and got["ETag"] == '"1"'
    # the global changes; the override still wins for this organisation
    staff.call("PUT", "/api/settings/ui.beta", {"type": "bool", "value": True})
    staff.call("PUT", "/api/settings/ui.beta", {"type": "bool", "value": False})
    assert mia.call("GET", f"{base}/ui.beta").json()["value"] is True
    again = ada.call("PUT", f"{base}/ui.beta", {"value": False}, **{"If-Match": '"1"'})
    assert again["ETag"] == '"2"' and again.json()["value"] is False
    assert ada.call("DELETE", f"{base}/ui.beta", **{"If-Match": '"2"'}).status_code == 204
    back = mia.call("GET", f"{base}/ui.beta").json()
    assert (back["source"], back["override_version"]) == ("global", 0)
    assert ada.call("DELETE", f"{base}/ui.beta").status_code == 404
    audit = ada.call("GET", f"/api/organizations/{ada.org_id}/audit?limit=3").json()["items"]
    assert [e["action"] for e in audit] == [
        "setting_override.delete",
        "setting_override.update",
        "setting_override.create",
    ]


def test_effective_settings_page_with_their_overrides(signup, staff):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    for key, value in [("a.one", 1), ("b.two", 2), ("c.three", 3)]:
        staff.call("PUT", f"/api/settings/{key}", {"type": "int", "value": value})
    base = f"/api/organizations/{ada.org_id}/settings"
    ada.call("PUT", f"{base}/b.two", {"value": 20})
    first = ada.call("GET", f"{base}?limit=2").json()
    rest = ada.call("GET", f"{base}?limit=2&cursor={first['next_cursor']}").json()
    values = [(s["key"], s["value"]) for s in first["items"] + rest["items"]]
    assert values == [("a.one", 1), ("b.two", 20), ("c.three", 3)]
    assert rest["next_cursor"] is None


def test_override_rules(signup, staff, beta):  # type: ignore[no-untyped-def]
    ada, mia = signup("ada", org=True), signup("mia")
    _add_member(ada, mia, "member")
    base = f"/api/organizations/{ada.org_id}/settings"
    assert mia.call("PUT", f"{base}/ui.beta", {"value": True}).status_code == 403
    assert ada.call("PUT", f"{base}/ui.gamma", {"value": True}).status_code == 404
    assert ada.call("GET", f"{base}/ui.gamma").status_code == 404
    assert ada.call("PUT", f"{base}/ui.beta", {"value": "yes"}).status_code == 422
    assert ada.call("PUT", f"{base}/ui.beta", {}).status_code == 422
    assert ada.call("PUT", f"{base}/Not A Key", {"value": True}).status_code == 422
    assert (
        ada.call("PUT", f"{base}/ui.beta", {"value": True}, **{"If-Match": '"1"'}).status_code
        == 412
    )
    assert ada.call("PUT", f"{base}/ui.beta", {"value": True}).status_code == 200
    assert mia.call("DELETE", f"{base}/ui.beta").status_code == 403
    assert ada.call("DELETE", f"{base}/ui.beta", **{"If-Match": '"7"'}).status_code == 412
    # deleting the global setting takes the overrides with it, also when it is made again
    staff.call("DELETE", "/api/settings/ui.beta")
    assert ada.call("GET", f"{base}/ui.beta").status_code == 404
    staff.call("PUT", "/api/settings/ui.beta", {"type": "string", "value": "off"})
    assert ada.call("GET", f"{base}/ui.beta").json()["value"] == "off"


def test_other_organisations_answer_404(signup, beta, http):  # type: ignore[no-untyped-def]
    ada, eve = signup("ada", org=True), signup("eve", org=True)
    ada.call("PUT", f"/api/organizations/{ada.org_id}/settings/ui.beta", {"value": True})
    for org in (ada.org_id, new_id(), "not-an-id"):
        base = f"/api/organizations/{org}/settings"
        for method, path, body in [
            ("GET", base, None),
            ("GET", f"{base}/ui.beta", None),
            ("PUT", f"{base}/ui.beta", {"value": False}),
            ("DELETE", f"{base}/ui.beta", None),
        ]:
            assert eve.call(method, path, body).status_code == 404, (method, path)
    assert (
        eve.call("GET", f"/api/organizations/{eve.org_id}/settings/ui.beta").json()["value"]
        is False
    )
    assert (
        ada.call("GET", f"/api/organizations/{ada.org_id}/settings/ui.beta").json()["value"] is True
    )
    assert http.get(f"/api/organizations/{ada.org_id}/settings").status_code == 401


def test_an_effective_read_is_one_batch_get(signup, staff, beta):  # type: ignore[no-untyped-def]
    from nexus.container import container

    ada = signup("ada", org=True)
    base = f"/api/organizations/{ada.org_id}/settings"
    with container().gateways.recorder().capture() as calls:
        assert ada.call("GET", f"{base}/ui.beta").status_code == 200
    settings_calls = [(c.operation, c.index) for c in calls if c.table == "application-settings"]
    assert settings_calls == [("BatchGetItem", None)]
    with container().gateways.recorder().capture() as calls:
        assert ada.call("GET", base).status_code == 200
    settings_calls = [(c.operation, c.index) for c in calls if c.table == "application-settings"]
    assert settings_calls == [("Query", "gsi1"), ("BatchGetItem", None)]
