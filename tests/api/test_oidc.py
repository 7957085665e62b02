"""Trusting an external OIDC issuer (Cognito) by its JWKS, with a locally generated key pair."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from nexus.container import build_container, container, set_container

ISSUER = "https://cognito-idp.us-east-2.amazonaws.com/us-east-2_test"


@pytest.fixture
def key_pair(tmp_path: Path):  # type: ignore[no-untyped-def]
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}))
    return private, jwks


@pytest.fixture
def oidc_stack(signup, key_pair):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    cfg = replace(
        container().config(),
        oidc_issuer=ISSUER,
        oidc_jwks=str(key_pair[1]),
        oidc_audience="nexus-client",
    )
    previous = set_container(build_container(cfg))
    yield ada, key_pair[0]
    set_container(previous)


def _token(private, **claims):  # type: ignore[no-untyped-def]
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": "nexus-client",
        "sub": "cognito-sub-1",
        "iat": now,
        "exp": now + 300,
        **claims,
    }
    return jwt.encode(body, private, algorithm="RS256", headers={"kid": "k1"})


def test_a_token_of_the_trusted_issuer_acts_as_the_user_with_its_email(oidc_stack, http):  # type: ignore[no-untyped-def]
    ada, private = oidc_stack
    response = http.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {_token(private, email=ada.email)}")
    assert response.status_code == 200 and response.json()["id"] == ada.user_id


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://evil.example.com"},
        {"aud": "another-client"},
        {"exp": 1},
        {"email": "nobody@example.com"},
    ],
)
def test_wrong_issuer_audience_expiry_or_unknown_user_is_401(oidc_stack, http, claims):  # type: ignore[no-untyped-def]
    ada, private = oidc_stack
    token = _token(private, **{"email": ada.email, **claims})
    assert http.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_a_key_outside_the_jwks_is_401(oidc_stack, http):  # type: ignore[no-untyped-def]
    ada, _ = oidc_stack
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = _token(stranger, email=ada.email)
    assert http.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
