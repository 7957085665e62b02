"""The global authenticator: a bearer access token (ours or a trusted OIDC issuer's) becomes
the request's Principal before any handler runs; no store read for our own tokens."""

from __future__ import annotations

from django.http import HttpRequest

from domains.shared.errors import DomainError, Unauthenticated
from domains.shared.ids import new_id
from domains.shared.tenancy import Principal
from nexus.container import container


class RequestAuth:
    """A ninja auth callable: returns the Principal, or None (ninja answers 401)."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Principal | None:
        request.request_id = request.headers.get("X-Request-Id") or new_id()  # type: ignore[attr-defined]
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            return self._principal(token.strip())
        except DomainError:
            return None

    def _principal(self, token: str) -> Principal:
        c = container()
        claims = c.identity.tokens().verify(token)
        if claims.user_id.startswith("oidc:"):
            with c.identity.uow()() as uow:
                user = uow.users.get_by_email(claims.user_id.removeprefix("oidc:").lower())
            if user is None or not user.is_active:
                raise Unauthenticated("no active user for this identity")
            return Principal(user.id, is_staff=user.is_staff)
        return Principal(claims.user_id, session_id=claims.session_id)
