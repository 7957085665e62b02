"""The domain error hierarchy; the API maps each family to one HTTP status in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    title = "Domain error"

    def __init__(self, detail: str = "", **context: object) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.context = context


class NotFound(DomainError):
    title = "Not found"


class Forbidden(DomainError):
    title = "Forbidden"


class Unauthenticated(DomainError):
    title = "Authentication required"


class Conflict(DomainError):
    """The change clashes with the current state (a duplicate, a uniqueness rule)."""

    title = "Conflict"


class PreconditionFailed(DomainError):
    """An optimistic-locking check failed: the caller's version is stale."""

    title = "Precondition failed"


class ValidationFailed(DomainError):
    title = "Validation failed"

    def __init__(
        self, detail: str = "", errors: Sequence[Mapping[str, object]] = (), **context: object
    ) -> None:
        super().__init__(detail, **context)
        self.errors = [dict(e) for e in errors]


class PayloadTooLarge(DomainError):
    title = "Payload too large"


class Throttled(DomainError):
    """Too many requests, or the store is throttling; retry after `retry_after` seconds."""

    title = "Throttled"

    def __init__(self, detail: str = "", retry_after: int = 1, **context: object) -> None:
        super().__init__(detail, **context)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """A dependency (the store, the broker) cannot serve now; the request may be retried."""

    title = "Service unavailable"

    def __init__(self, detail: str = "", retry_after: int = 5, **context: object) -> None:
        super().__init__(detail, **context)
        self.retry_after = retry_after


class TransactionCancelled(Conflict):
    """A multi-item transaction was cancelled; `reasons` holds one code per item."""

    title = "Transaction cancelled"

    def __init__(self, detail: str = "", reasons: Sequence[str] = (), **context: object) -> None:
        super().__init__(detail, **context)
        self.reasons = list(reasons)
