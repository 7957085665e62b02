"""POST /api/auth/register|login|refresh|logout, GET/PATCH /api/me, /api/me/sessions."""

from __future__ import annotations

import jwt
import pytest


def _post(http, path, body):  # type: ignore[no-untyped-def]
    return http.post(path, body, content_type="application/json")


def test_register_then_login_gives_tokens_and_me(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    me = ada.call("GET", "/api/me")
    assert me.status_code == 200
    assert me.json()["email"] == ada.email and me["ETag"] == '"1"'
    assert me.json()["preferences"]["theme"] == "system"


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "password": "correct horse battery 9"},
        {"email": "a@example.com", "password": "short"},
        {"email": "a@example.com", "password": "onlyletterslong"},
        {"email": "a@example.com"},
        {"password": "correct horse battery 9"},
    ],
)
def test_register_rejects_bad_input_with_422(stack, http, body):  # type: ignore[no-untyped-def]
    response = _post(http, "/api/auth/register", body)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]


def test_email_is_unique_case_insensitively(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    again = _post(
        http, "/api/auth/register", {"email": ada.email.upper(), "password": "another secret 12"}
    )
    assert again.status_code == 409


def test_login_failures_look_the_same_known_or_unknown(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    wrong = _post(http, "/api/auth/login", {"email": ada.email, "password": "wrong password 1"})
    unknown = _post(http, "/api/auth/login", {"email": "nobody@example.com", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_login_is_throttled_per_account(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    for _ in range(5):
        assert (
            _post(
                http, "/api/auth/login", {"email": ada.email, "password": "nope nope 1"}
            ).status_code
            == 401
        )
    blocked = _post(http, "/api/auth/login", {"email": ada.email, "password": ada.password})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0


def test_refresh_rotates_and_reuse_revokes_the_family(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    first = _post(http, "/api/auth/refresh", {"refresh_token": ada.refresh})
    assert first.status_code == 200
    rotated = first.json()["refresh_token"]
    assert rotated != ada.refresh
    reused = _post(http, "/api/auth/refresh", {"refresh_token": ada.refresh})
    assert reused.status_code == 401
    # the whole family is gone: the token the rotation issued no longer works either
    assert _post(http, "/api/auth/refresh", {"refresh_token": rotated}).status_code == 401
    ada.access = first.json()["access_token"]
    assert ada.call("GET", "/api/me/sessions").json() == []


@pytest.mark.parametrize("token", ["", "garbage", "01ABC.wrong-secret"])
def test_refresh_rejects_bad_tokens(stack, http, token):  # type: ignore[no-untyped-def]
    response = _post(http, "/api/auth/refresh", {"refresh_token": token})
    assert response.status_code in (401, 422)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer garbage", "Basic abc"])
def test_me_requires_a_valid_token(stack, http, header):  # type: ignore[no-untyped-def]
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = http.get("/api/me", **extra)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_expired_and_tampered_tokens_are_401(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    claims = jwt.decode(ada.access, options={"verify_signature": False})
    expired = jwt.encode(
        {**claims, "exp": claims["iat"] - 1},
        "whatever-but-at-least-32-bytes-long!!",
        algorithm="HS256",
    )
    tampered = ada.access[:-3] + ("AAA" if not ada.access.endswith("AAA") else "BBB")
    forged = jwt.encode(claims, "not-our-secret-at-least-32-bytes-long!!", algorithm="HS256")
    for token in (expired, tampered, forged):
        assert http.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_patch_me_honours_if_match(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    ok = ada.call(
        "PATCH",
        "/api/me",
        {"display_name": "Ada L.", "preferences": {"theme": "dark"}},
        **{"If-Match": '"1"'},
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["display_name"] == "Ada L." and ok.json()["preferences"]["theme"] == "dark"
    assert ok["ETag"] == '"2"'
    stale = ada.call("PATCH", "/api/me", {"display_name": "Late"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    bad = ada.call("PATCH", "/api/me", {"preferences": {"theme": "neon"}})
    assert bad.status_code == 422


def test_sessions_are_listed_and_revocable_by_their_owner_only(signup):  # type: ignore[no-untyped-def]
    ada, bob = signup("ada"), signup("bob")
    sessions = ada.call("GET", "/api/me/sessions").json()
    assert len(sessions) == 1 and sessions[0]["current"]
    assert bob.call("DELETE", f"/api/me/sessions/{sessions[0]['id']}").status_code == 404
    assert ada.call("DELETE", f"/api/me/sessions/{sessions[0]['id']}").status_code == 204
    assert ada.call("GET", "/api/me/sessions").json() == []
    assert (
        ada.http.post(
            "/api/auth/refresh", {"refresh_token": ada.refresh}, content_type="application/json"
        ).status_code
        == 401
    )


def test_logout_revokes_the_current_session(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    assert ada.call("POST", "/api/auth/logout").status_code == 204
    assert _post(http, "/api/auth/refresh", {"refresh_token": ada.refresh}).status_code == 401


def test_profile_responses_never_carry_the_password_hash(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    patched = ada.call("PATCH", "/api/me", {"display_name": "A"})
    for response in (ada.call("GET", "/api/me"), patched):
        assert "password_hash" not in response.json() and "is_active" not in response.json()


def test_null_preferences_keep_their_values(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    body = {"preferences": {"theme": None, "default_org_id": None}}
    response = ada.call("PATCH", "/api/me", body)
    assert response.status_code == 200 and response.json()["preferences"]["theme"] == "system"
