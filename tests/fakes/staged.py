"""What every in-memory repository shares: reads from the committed store, staged writes,
and the version check DynamoDB's conditional writes make."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any, TypeVar

from domains.shared.errors import PreconditionFailed

E = TypeVar("E")


class FakeRepository:
    """A repository inside a fake unit of work: `uow.store` is what was committed, and
    each write is a function applied to a draft of it at commit."""

    def __init__(self, uow: Any) -> None:
        self._uow = uow

    @property
    def _s(self) -> Any:
        return self._uow.store

    def _live(self, found: E | None) -> E | None:
        """`found`, unless the store has a clock and `found.expires_at` has passed by it."""
        clock = self._s.clock
        expires = getattr(found, "expires_at", None)
        if clock is not None and expires is not None and expires <= clock.now():
            return None
        return found

    def _stage(self, item: Hashable, apply: Callable[[Any], None]) -> None:
        """Stage a write of `item` (its table and key): like a DynamoDB transaction, a unit of
        work may write each item once (the commit refuses a second write, see `commit`)."""
        self._uow.staged.append(apply)
        self._uow.items.append(item)


def bumped(entity: E, stored: Any, error: Exception | None = None) -> E:
    """`entity` at its next version, if `stored` is there and still at `entity.version` (the
    store's condition `version = :expected` fails on an absent item too)."""
    version: int = entity.version  # type: ignore[attr-defined]
    if stored is None or stored.version != version:
        raise error or PreconditionFailed("stale version")
    return replace(entity, version=version + 1)  # type: ignore[type-var]
