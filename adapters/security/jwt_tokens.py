"""Access tokens: short-lived HS256 JWTs we sign, or RS256 JWTs of a trusted OIDC issuer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt

from domains.identity.ports import AccessClaims
from domains.shared.clock import Clock
from domains.shared.errors import Unauthenticated

ISSUER = "nexus-workbench"


class JwtTokenService:
    def __init__(
        self, *, secret: str, clock: Clock, ttl_seconds: int, oidc: OidcVerifier | None = None
    ) -> None:
        self._secret = secret
        self._clock = clock
        self._ttl = ttl_seconds
        self._oidc = oidc

    def issue(self, *, user_id: str, session_id: str, is_staff: bool = False) -> tuple[str, int]:
        now = self._clock.now()
        claims = {
            "iss": ISSUER,
            "sub": user_id,
            "sid": session_id,
            "typ": "access",
            "is_staff": is_staff,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=self._ttl)).timestamp()),
        }
        return jwt.encode(claims, self._secret, algorithm="HS256"), self._ttl

    def verify(self, token: str) -> AccessClaims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as e:
            raise Unauthenticated("malformed token") from e
        if header.get("alg") != "HS256" and self._oidc is not None:
            return self._oidc.verify(token)
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                issuer=ISSUER,
                options={"require": ["exp", "sub", "iss"]},
            )
        except jwt.PyJWTError as e:
            raise Unauthenticated("invalid or expired token") from e
        if claims.get("typ") != "access":
            raise Unauthenticated("not an access token")
        return AccessClaims(
            claims["sub"],
            claims.get("sid"),
            datetime.fromtimestamp(claims["exp"], UTC),
            ISSUER,
            is_staff=claims.get("is_staff") is True,
        )


class OidcVerifier:
    """Trusts RS256 tokens of one issuer whose keys come from its JWKS (a file or a URL).
    The token's `email` claim names the user profile it acts as."""

    def __init__(self, *, issuer: str, audience: str | None, jwks_source: str) -> None:
        self.issuer = issuer
        self._audience = audience
        self._source = jwks_source
        self._keys: dict[str, Any] | None = None

    def _jwks(self) -> dict[str, Any]:
        if self._keys is None:
            if self._source.startswith(("http://", "https://")):
                import urllib.request

                with urllib.request.urlopen(self._source, timeout=5) as response:
                    document = json.loads(response.read())
            else:
                document = json.loads(Path(self._source).read_text())
            self._keys = {k["kid"]: jwt.PyJWK(k) for k in document["keys"]}
        return self._keys

    def verify(self, token: str) -> AccessClaims:
        try:
            kid = str(jwt.get_unverified_header(token).get("kid", ""))
            key = self._jwks().get(kid)
            if key is None:
                raise Unauthenticated("unknown signing key")
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=self.issuer,
                audience=self._audience,
                options={
                    "require": ["exp", "sub", "iss"],
                    "verify_aud": self._audience is not None,
                },
            )
        except jwt.PyJWTError as e:
            raise Unauthenticated("invalid or expired token") from e
        subject = claims.get("email") or claims["sub"]
        return AccessClaims(
            f"oidc:{subject}", None, datetime.fromtimestamp(claims["exp"], UTC), self.issuer
        )
