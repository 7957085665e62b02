"""The two checks every use case that changes a stored entity starts with."""

from __future__ import annotations

from typing import TypeVar

from domains.shared.errors import NotFound, PreconditionFailed

T = TypeVar("T")


def found(entity: T | None, what: str) -> T:
    """`entity`, or NotFound("<what> not found"): absent and another tenant's look alike."""
    if entity is None:
        raise NotFound(f"{what} not found")
    return entity


def check_version(expected: int | None, actual: int, what: str) -> None:
    """Optimistic locking: a caller that sent the version it read (If-Match) must still hold
    the current one; None means the caller did not ask for the check."""
    if expected is not None and expected != actual:
        raise PreconditionFailed(f"the {what} changed since you read it")
