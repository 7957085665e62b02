"""What every context's api.py needs from a request: the principal and the tenant.

The global authenticator (nexus/security.py) puts the Principal on `request.auth` before any
handler runs; the tenant is resolved here once per request (one membership read) and kept on
the request. Services come from the container by name, so no context imports nexus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dependency_injector.wiring import Provide, inject

from domains.shared.attribution import act_for
from domains.shared.errors import NotFound, Unauthenticated, ValidationFailed
from domains.shared.ids import is_valid_id
from domains.shared.tenancy import Principal, TenantContext, TenantResolver

ORG_HEADER = "X-Organization-Id"


def principal_of(request: Any) -> Principal:
    principal = getattr(request, "auth", None)
    if not isinstance(principal, Principal):
        raise Unauthenticated("authentication required")
    return principal


def request_id_of(request: Any) -> str:
    return str(getattr(request, "request_id", "") or request.headers.get("X-Request-Id", ""))


def _key_org(request: Any) -> str:
    """An API key is bound to one organisation: it needs no header to name it."""
    grant = getattr(getattr(request, "auth", None), "key_grant", None)
    return grant.org_id if grant is not None else ""


@inject
def tenant_of(
    request: Any, org_id: str | None = None, resolver: TenantResolver = Provide["tenancy"]
) -> TenantContext:
    """The tenant named by `org_id` (a path), the X-Organization-Id header or the API key's
    own organisation, cached."""
    wanted = org_id or request.headers.get(ORG_HEADER, "") or _key_org(request)
    if not wanted:
        raise ValidationFailed(
            f"{ORG_HEADER} header required",
            errors=[{"loc": ["header", ORG_HEADER], "msg": "required"}],
        )
    cache: dict[str, TenantContext] = request.__dict__.setdefault("_nexus_tenants", {})
    if wanted not in cache:
        if not is_valid_id(wanted):
            raise NotFound("organisation not found")
        cache[wanted] = resolver.resolve(principal_of(request), wanted, request_id_of(request))
    act_for(wanted)  # the calls from here on are this organisation's (cost attribution)
    return cache[wanted]


@inject
def service(name: str, container: Any = Provide["__self__"]) -> Any:
    """A provider of the root container by name (resolved inside a handler, never at import)."""
    return getattr(container, name)()


@inject
def require_feature(feature: str, container: Any = Provide["__self__"]) -> None:
    """A feature that is off has no routes: its endpoints answer 404 as if absent."""
    if feature not in container.config().features:
        raise NotFound(f"the {feature} feature is not enabled")


def feature_tenant(feature: str) -> Callable[[Any], TenantContext]:
    """The tenant resolver of a feature's routes: 404 while the feature is off, then the
    header's (or the API key's) organisation, as `tenant_of` resolves it."""

    def ctx_of(request: Any) -> TenantContext:
        require_feature(feature)
        return tenant_of(request)

    return ctx_of
