"""The organisation the current request acts for, so infrastructure can attribute its cost.

Framework-facing code only: `domains.shared.web.tenant_of` sets it once a tenant is resolved,
the request middleware (nexus.cost_middleware) clears it when the request ends, and the
DynamoDB call recorder reads it. Domain models and services never touch it: they receive the
tenant explicitly. Outside a request (sign-in before a tenant, Celery jobs) it is None: the
work is the platform's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

_acting_org: ContextVar[str | None] = ContextVar("nexus_acting_org", default=None)


def acting_org() -> str | None:
    """The organisation the current request acts for, or None (platform work)."""
    return _acting_org.get()


def act_for(org_id: str | None) -> Token[str | None]:
    """From now on in this context, calls are made for `org_id`; the token resets it."""
    return _acting_org.set(org_id)


def reset(token: Token[str | None]) -> None:
    _acting_org.reset(token)


@contextmanager
def acting_for(org_id: str | None) -> Iterator[None]:
    """Calls made inside the block are attributed to `org_id` (None: the platform)."""
    token = act_for(org_id)
    try:
        yield
    finally:
        reset(token)
