"""The global authenticator: a bearer access token (ours or a trusted OIDC issuer's) or an
organisation API key becomes the request's Principal before any handler runs.

Our own access tokens need no store read. An API key (`Authorization: Bearer nxk_...` or
`X-API-Key: nxk_...`) is one GetItem of its item, whose grant the Principal then carries, so
resolving the key's tenant reads nothing more.
"""

from __future__ import annotations

from django.http import HttpRequest

from domains.identity.model import API_KEY_PREFIX
from domains.shared.errors import Unauthenticated
from domains.shared.ids import new_id
from domains.shared.tenancy import Principal
from nexus.container import container

API_KEY_HEADER = "X-API-Key"


def presented_credential(request: HttpRequest) -> str:
    """The bearer token, else an API key in X-API-Key; "" when there is neither."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    key = request.headers.get(API_KEY_HEADER, "").strip()
    return key if key.startswith(API_KEY_PREFIX) else ""


class RequestAuth:
    """A ninja auth callable: returns the Principal, or None (ninja answers 401).

    Only a credential that fails to authenticate answers 401; a store that cannot answer
    (throttled, unavailable) raises, and the problem mapping answers 429 or 503.
    """

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Principal | None:
        request.request_id = request.headers.get("X-Request-Id") or new_id()  # type: ignore[attr-defined]
        credential = presented_credential(request)
        if not credential:
            return None
        try:
            if credential.startswith(API_KEY_PREFIX):
                return container().identity.api_keys().authenticate(credential)
            return self._principal(credential)
        except Unauthenticated:
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
        return Principal(claims.user_id, is_staff=claims.is_staff, session_id=claims.session_id)
