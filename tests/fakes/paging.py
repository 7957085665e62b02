"""The fakes' one pager: honours `PageRequest.limit` and hands back a cursor like the store's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from domains.shared.errors import ValidationFailed
from domains.shared.pagination import Page, PageRequest

T = TypeVar("T")


def page_of(items: Sequence[T], page: PageRequest) -> Page[T]:
    """One page of `items` (already in the list's order); the cursor is the next position
    (the fakes need no signing), None on the last page."""
    try:
        start = int(page.cursor or 0)
    except ValueError as e:
        raise ValidationFailed(
            "invalid cursor", errors=[{"loc": ["cursor"], "msg": "invalid"}]
        ) from e
    end = start + page.limit
    return Page(list(items[start:end]), str(end) if end < len(items) else None)
