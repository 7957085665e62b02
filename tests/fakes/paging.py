"""The fakes' one pager: honours `PageRequest.limit` and hands back a cursor like the store's.

Like the store's, a cursor is bound to its list (`scope`: the partition and conditions) and
names the last item returned by its sort key, so the next page starts after that item even
when items before it were removed or expired meanwhile.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from domains.shared.errors import ValidationFailed
from domains.shared.pagination import Page, PageRequest

T = TypeVar("T")
SortKey = tuple[str, ...]


def sortable(moment: datetime) -> str:
    """A time as fixed-width text, sorting as the time does."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _invalid(reason: str) -> ValidationFailed:
    return ValidationFailed(
        f"invalid cursor: {reason}", errors=[{"loc": ["cursor"], "msg": "invalid cursor"}]
    )


def _encode(scope: Hashable, after: SortKey) -> str:
    text = json.dumps({"scope": repr(scope), "after": list(after)})
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decode(cursor: str, scope: Hashable) -> SortKey:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        bound, after = decoded["scope"], tuple(decoded["after"])
    except (binascii.Error, ValueError, TypeError, KeyError) as e:
        raise _invalid("malformed") from e
    if bound != repr(scope):
        raise _invalid("it belongs to another list")
    return after


def page_of(
    items: Sequence[T],
    page: PageRequest,
    *,
    scope: Hashable,
    key: Callable[[T], SortKey],
    descending: bool = False,
) -> Page[T]:
    """One page of `items`, sorted by `key` (`descending` for newest-first lists); the cursor
    is None on the last page."""
    remaining = list(items)
    if page.cursor is not None:
        after = _decode(page.cursor, scope)
        remaining = [i for i in items if (key(i) < after if descending else key(i) > after)]
    found = remaining[: page.limit]
    more = len(remaining) > page.limit
    return Page(found, _encode(scope, key(found[-1])) if more else None)


def newest_first(
    items: Sequence[T], page: PageRequest, *, scope: Hashable, key: Callable[[T], SortKey]
) -> Page[T]:
    """One page of a reverse query (ScanIndexForward=false): `items` newest first by `key`."""
    ordered = sorted(items, key=key, reverse=True)
    return page_of(ordered, page, scope=scope, key=key, descending=True)
