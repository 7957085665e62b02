"""One cursor-paginated page type for every list in every context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None

    def __post_init__(self) -> None:
        from domains.shared.errors import ValidationFailed

        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise ValidationFailed(
                f"limit must be between 1 and {MAX_PAGE_SIZE}",
                errors=[{"loc": ["limit"], "msg": f"must be between 1 and {MAX_PAGE_SIZE}"}],
            )


@dataclass(frozen=True)
class Page(Generic[T]):
    """Items and an opaque, signed cursor for the next page (None on the last page)."""

    items: Sequence[T]
    next_cursor: str | None = None
