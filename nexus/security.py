"""The global authenticator: a bearer access token (ours or a trusted OIDC issuer's) or an
organisation API key becomes the request's Principal before any handler runs.

Our own access tokens need no store read. An API key (`Authorization: Bearer nxk_...` or
`X-API-Key: nxk_...`) is one GetItem of its item, whose grant the Principal then carries, so
resolving the key's tenant reads nothing more.

Ninja tries the two schemes in order (`REQUEST_AUTH`) and documents both in OpenAPI as
alternatives; both hand their credential to one `authenticate`. A bearer credential, when
presented, decides alone: a bad bearer token is 401 even beside a good X-API-Key.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer

from domains.identity.model import API_KEY_PREFIX
from domains.shared.errors import Unauthenticated
from domains.shared.ids import new_id
from domains.shared.tenancy import Principal
from nexus.container import container

API_KEY_HEADER = "X-API-Key"


def bearer_credential(request: HttpRequest) -> str:
    """The token of `Authorization: Bearer <token>`; "" when there is none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticate(request: HttpRequest, credential: str) -> Principal | None:
    """The Principal of an access token or API key, or None (ninja answers 401).

    Only a credential that fails to authenticate answers 401; a store that cannot answer
    (throttled, unavailable) raises, and the problem mapping answers 429 or 503.
    """
    if not hasattr(request, "request_id"):
        request.request_id = request.headers.get("X-Request-Id") or new_id()  # type: ignore[attr-defined]
    if not credential:
        return None
    try:
        if credential.startswith(API_KEY_PREFIX):
            return container().identity.api_keys().authenticate(credential)
        return _token_principal(credential)
    except Unauthenticated:
        return None


def _token_principal(token: str) -> Principal:
    c = container()
    claims = c.identity.tokens().verify(token)
    if claims.user_id.startswith("oidc:"):
        with c.identity.uow()() as uow:
            user = uow.users.get_by_email(claims.user_id.removeprefix("oidc:").lower())
        if user is None or not user.is_active:
            raise Unauthenticated("no active user for this identity")
        return Principal(user.id, is_staff=user.is_staff)
    return Principal(claims.user_id, is_staff=claims.is_staff, session_id=claims.session_id)


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <JWT access token or nxk_ API key>`."""

    openapi_description = "A JWT access token, or an organisation API key (nxk_...)."

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        return authenticate(request, token.strip())


class ApiKeyAuth(APIKeyHeader):
    """`X-API-Key: nxk_...`, consulted only when no bearer credential was presented."""

    param_name = API_KEY_HEADER
    openapi_description = "An organisation API key (nxk_...)."

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        if bearer_credential(request):
            return None
        key = (key or "").strip()
        return authenticate(request, key if key.startswith(API_KEY_PREFIX) else "")


REQUEST_AUTH = [BearerAuth(), ApiKeyAuth()]
