"""/api/organizations/{org_id}/api-keys, and API keys as credentials (Bearer and X-API-Key)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domains.shared.ids import new_id
from tests.api.members import add_member as _add_member


def _keys(caller) -> str:  # type: ignore[no-untyped-def]
    return f"/api/organizations/{caller.org_id}/api-keys"


def _mint(caller, *permissions: str, **body: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    created = caller.call(
        "POST", _keys(caller), {"name": "ci", "permissions": list(permissions), **body}
    )
    assert created.status_code == 201, created.content
    return dict(created.json())


def _as_key(http, method: str, path: str, key: str, body: Any = None, *, header: str = "bearer"):  # type: ignore[no-untyped-def]
    """A request authenticated by the API key alone (no access token)."""
    extra = (
        {"HTTP_AUTHORIZATION": f"Bearer {key}"} if header == "bearer" else {"HTTP_X_API_KEY": key}
    )
    send = getattr(http, method.lower())
    if body is None:
        return send(path, **extra)
    return send(path, body, content_type="application/json", **extra)


def _audit_actions(org_id: str) -> list[tuple[str, str]]:
    from nexus.container import container

    items = (
        container()
        .gateways.dynamo()
        .query(
            "system-logs",
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"ORG#{org_id}#AUDIT"}},
        )["Items"]
    )
    return sorted((i["action"]["S"], i["actor_id"]["S"]) for i in items)


def test_create_list_revoke(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    expires = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    created = ada.call(
        "POST",
        _keys(ada),
        {
            "name": " deploy bot ",
            "permissions": ["org:read", "agent:execute"],
            "expires_at": expires.isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    assert created["Cache-Control"] == "no-store"
    key = created.json()
    assert key["name"] == "deploy bot" and key["permissions"] == ["agent:execute", "org:read"]
    assert key["key"].startswith(f"nxk_{ada.org_id}_{key['id']}_")
    assert datetime.fromisoformat(key["expires_at"].replace("Z", "+00:00")) == expires

    listed = ada.call("GET", _keys(ada)).json()
    assert listed["next_cursor"] is None
    [item] = listed["items"]
    assert item == {
        "id": key["id"],
        "name": "deploy bot",
        "permissions": ["agent:execute", "org:read"],
        "created_at": key["created_at"],
        "expires_at": key["expires_at"],
        "revoked_at": None,
        "created_by": ada.user_id,
    }
    assert key["key"].rsplit("_", 1)[-1] not in str(listed)

    assert ada.call("DELETE", f"{_keys(ada)}/{key['id']}").status_code == 204
    assert ada.call("DELETE", f"{_keys(ada)}/{key['id']}").status_code == 204  # idempotent
    assert ada.call("GET", _keys(ada)).json()["items"][0]["revoked_at"] is not None
    assert [a for a, _ in _audit_actions(ada.org_id) if a.startswith("apikey.")] == [
        "apikey.create",
        "apikey.revoke",
    ]


def test_list_pages_newest_first(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    ids = [_mint(ada, "org:read", name=f"k{i}")["id"] for i in range(3)]
    first = ada.call("GET", f"{_keys(ada)}?limit=2").json()
    second = ada.call("GET", f"{_keys(ada)}?limit=2&cursor={first['next_cursor']}").json()
    assert [k["id"] for k in first["items"] + second["items"]] == ids[::-1]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"name": "ci", "permissions": ["org:read", "org:fly"]},
        {"name": "", "permissions": ["org:read"]},
        {"name": "   ", "permissions": ["org:read"]},
        {"name": "ci", "permissions": []},
        {"name": "ci"},
        {"permissions": ["org:read"]},
        {"name": "ci", "permissions": ["org:read"], "expires_at": "2020-01-01T00:00:00Z"},
        {"name": "ci", "permissions": ["org:read"], "expires_at": "tomorrow"},
    ],
)
def test_bad_input_is_422(signup, body):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    response = ada.call("POST", _keys(ada), body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert ada.call("GET", _keys(ada)).json()["items"] == []


def test_managing_keys_needs_apikey_manage_and_grants_stay_within_yours(signup):  # type: ignore[no-untyped-def]
    ada, mel, bob = signup("ada", org=True), signup("mel"), signup("bob")
    _add_member(ada, mel, "member")
    _add_member(ada, bob, "admin")
    key = _mint(ada, "org:read")
    assert mel.call("POST", _keys(mel), {"name": "x", "permissions": ["org:read"]}).status_code == (
        403
    )
    assert mel.call("GET", _keys(mel)).status_code == 403
    assert mel.call("DELETE", f"{_keys(mel)}/{key['id']}").status_code == 403
    # an admin has no org:delete, so cannot put it in a key; an owner can
    beyond = {"name": "x", "permissions": ["org:read", "org:delete"]}
    assert bob.call("POST", _keys(bob), beyond).status_code == 403
    assert ada.call("POST", _keys(ada), beyond).status_code == 201
    assert bob.call("POST", _keys(bob), {"name": "x", "permissions": ["org:read"]}).status_code == (
        201
    )


def test_other_organisations_keys_answer_404(signup):  # type: ignore[no-untyped-def]
    ada, eve = signup("ada", org=True), signup("eve", org=True)
    ada_key, eve_key = _mint(ada, "org:read"), _mint(eve, "org:read")
    for method, path, body in [
        ("POST", _keys(ada), {"name": "x", "permissions": ["org:read"]}),
        ("GET", _keys(ada), None),
        ("DELETE", f"{_keys(ada)}/{ada_key['id']}", None),
    ]:
        response = eve.call(method, path, body)
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"] == "application/problem+json"  # the domain's, not a route's
    # a key id of another organisation is not found through mine
    assert ada.call("DELETE", f"{_keys(ada)}/{eve_key['id']}").status_code == 404
    assert ada.call("DELETE", f"{_keys(ada)}/{new_id()}").status_code == 404
    assert ada.call("DELETE", f"{_keys(ada)}/not-an-id").status_code == 404
    eve_org = f"/api/organizations/{eve.org_id}"
    assert _as_key(ada.http, "GET", eve_org, eve_key["key"]).status_code == 200


def test_no_credential_or_a_bad_one_is_401(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    key = _mint(ada, "org:read", "apikey:manage")
    for method, path in [("POST", _keys(ada)), ("GET", _keys(ada)), ("DELETE", f"{_keys(ada)}/x")]:
        response = getattr(http, method.lower())(path)
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    org = f"/api/organizations/{ada.org_id}"
    wrong_secret = key["key"][:-2] + ("AA" if not key["key"].endswith("AA") else "BB")
    for bad in (wrong_secret, "nxk_garbage", f"nxk_{ada.org_id}_{key['id']}_"):
        assert _as_key(http, "GET", org, bad).status_code == 401, bad
        assert _as_key(http, "GET", org, bad, header="x-api-key").status_code == 401, bad
    # X-API-Key carries API keys only, never an access token
    assert _as_key(http, "GET", org, ada.access, header="x-api-key").status_code == 401


def test_a_key_authenticates_as_bearer_and_as_x_api_key_with_its_permissions(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    reader, writer = _mint(ada, "org:read")["key"], _mint(ada, "org:read", "org:write")["key"]
    org = f"/api/organizations/{ada.org_id}"
    for header in ("bearer", "x-api-key"):
        response = _as_key(http, "GET", org, reader, header=header)
        assert response.status_code == 200 and response.json()["id"] == ada.org_id
    assert _as_key(http, "PATCH", org, reader, {"name": "Renamed"}).status_code == 403
    assert _as_key(http, "GET", f"{org}/members", reader).status_code == 403
    renamed = _as_key(http, "PATCH", org, writer, {"name": "Renamed"}, header="x-api-key")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Renamed"
    writer_id = writer.split("_")[2]
    assert ("organization.update", f"apikey:{writer_id}") in _audit_actions(ada.org_id)


def test_a_key_acts_in_its_own_organisation_only(signup, http):  # type: ignore[no-untyped-def]
    ada, eve = signup("ada", org=True), signup("eve", org=True)
    key = _mint(ada, "org:read")["key"]
    assert _as_key(http, "GET", f"/api/organizations/{eve.org_id}", key).status_code == 404
    # even in an organisation its creator belongs to, and with that organisation's id in the key
    second = ada.call("POST", "/api/organizations", {"name": "second"}).json()["id"]
    assert _as_key(http, "GET", f"/api/organizations/{second}", key).status_code == 404
    forged = key.replace(ada.org_id, second, 1)
    assert _as_key(http, "GET", f"/api/organizations/{second}", forged).status_code == 401


def test_a_key_reaches_nothing_user_level(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    key = _mint(ada, "org:read", "apikey:manage")["key"]
    for method, path, body in [
        ("GET", "/api/me", None),
        ("PATCH", "/api/me", {"display_name": "pwned"}),
        ("GET", "/api/me/sessions", None),
        ("GET", "/api/me/invitations", None),
        ("POST", "/api/invitations/accept", {"token": "x" * 43}),
        ("GET", "/api/organizations", None),
        ("POST", "/api/organizations", {"name": "side"}),
        ("POST", "/api/auth/logout", None),
        ("POST", _keys(ada), {"name": "child", "permissions": ["org:read"]}),
        ("DELETE", f"/api/organizations/{ada.org_id}/members/{ada.user_id}", None),
    ]:
        assert _as_key(http, method, path, key, body).status_code == 403, (method, path)
    assert ada.call("GET", f"/api/organizations/{ada.org_id}").status_code == 200


def test_revoked_and_expired_keys_answer_401(signup, http, stack):  # type: ignore[no-untyped-def]
    from domains.shared.clock import FixedClock

    clock = FixedClock(datetime.now(UTC))
    stack.identity.clock.override(clock)
    ada = signup("ada", org=True)
    org = f"/api/organizations/{ada.org_id}"
    revoked = _mint(ada, "org:read")
    expiring = _mint(ada, "org:read", expires_at=(clock.now() + timedelta(hours=1)).isoformat())
    assert ada.call("DELETE", f"{_keys(ada)}/{revoked['id']}").status_code == 204
    assert _as_key(http, "GET", org, revoked["key"]).status_code == 401
    assert _as_key(http, "GET", org, expiring["key"], header="x-api-key").status_code == 200
    clock.advance(hours=1)
    assert _as_key(http, "GET", org, expiring["key"], header="x-api-key").status_code == 401


def test_a_key_authenticated_read_makes_at_most_two_dynamodb_calls(signup, http):  # type: ignore[no-untyped-def]
    from nexus.container import container

    ada = signup("ada", org=True)
    key = _mint(ada, "org:read")["key"]
    with container().gateways.recorder().capture() as calls:
        response = _as_key(http, "GET", f"/api/organizations/{ada.org_id}", key)
    assert response.status_code == 200
    assert len(calls) <= 2, calls
    assert [(c.operation, c.table) for c in calls] == [("GetItem", "organization-data")] * 2


def test_a_removed_or_leaving_member_s_keys_stop_working(signup, http):  # type: ignore[no-untyped-def]
    ada, bob, cy = signup("ada", org=True), signup("bob"), signup("cy")
    _add_member(ada, bob, "admin")
    _add_member(ada, cy, "admin")
    org = f"/api/organizations/{ada.org_id}"
    bobs, cys, adas = _mint(bob, "org:read"), _mint(cy, "org:read"), _mint(ada, "org:read")
    assert _as_key(http, "GET", org, bobs["key"]).status_code == 200

    assert ada.call("DELETE", f"{org}/members/{bob.user_id}").status_code == 204
    assert cy.call("DELETE", f"{org}/members/{cy.user_id}").status_code == 204  # leaves

    assert _as_key(http, "GET", org, bobs["key"]).status_code == 401
    assert _as_key(http, "GET", org, cys["key"]).status_code == 401
    assert _as_key(http, "GET", org, adas["key"]).status_code == 200  # others' keys live on
    listed = {k["id"]: k["revoked_at"] for k in ada.call("GET", _keys(ada)).json()["items"]}
    assert listed[bobs["id"]] and listed[cys["id"]] and listed[adas["id"]] is None
    entries = ada.call("GET", f"/api/organizations/{ada.org_id}/audit").json()["items"]
    details = {e["action"]: e["details"] for e in entries if e["action"].startswith("member.")}
    assert details["member.remove"]["revoked_api_keys"] == [bobs["id"]]
    assert details["member.leave"]["revoked_api_keys"] == [cys["id"]]


def test_a_demoted_member_keeps_only_the_keys_the_new_role_covers(signup, http):  # type: ignore[no-untyped-def]
    ada, bob = signup("ada", org=True), signup("bob")
    _add_member(ada, bob, "admin")
    org = f"/api/organizations/{ada.org_id}"
    reader = _mint(bob, "org:read")
    writer = _mint(bob, "org:read", "org:write")
    response = ada.call("PATCH", f"{org}/members/{bob.user_id}", {"role": "viewer"})
    assert response.status_code == 200, response.content
    assert _as_key(http, "GET", org, reader["key"]).status_code == 200
    assert _as_key(http, "GET", org, writer["key"]).status_code == 401


def test_a_member_holds_at_most_25_usable_keys_per_organisation(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    minted = [_mint(ada, "org:read") for _ in range(25)]
    refused = ada.call("POST", _keys(ada), {"name": "one more", "permissions": ["org:read"]})
    assert refused.status_code == 409
    assert "revoke one first" in refused.json()["detail"]
    assert ada.call("DELETE", f"{_keys(ada)}/{minted[0]['id']}").status_code == 204
    _mint(ada, "org:read")  # a revoked key frees its place


def test_every_user_level_operation_in_the_document_refuses_an_api_key(signup, http):  # type: ignore[no-untyped-def]
    """A key is bound to one organisation and acts inside it only: every authenticated
    operation whose path and headers name no organisation (my profile, sessions, invitations,
    organisations, platform settings) answers 403 to it, with a valid body."""
    from domains.shared.permissions import Permission
    from tests.api.openapi_bodies import ORG_HEADER, PLACEHOLDER, valid_body

    ada = signup("ada", org=True)
    key = _mint(ada, *[p.value for p in Permission])["key"]  # the owner's every permission
    spec = http.get("/api/openapi.json").json()
    checked = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
            if not operation.get("security") or "{org_id}" in path or ORG_HEADER in headers:
                continue
            body = valid_body(spec, method.upper(), path, operation)
            concrete = PLACEHOLDER.sub(lambda m: new_id(), path)
            response = _as_key(http, method, concrete, key, body)
            assert response.status_code == 403, (method, path, response.content)
            checked.append((method, path))
    assert len(checked) >= 10, checked
    assert ("post", "/api/invitations/accept") in checked
