"""What every in-memory repository shares: reads from the committed store, staged writes,
and the version check DynamoDB's conditional writes make."""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from dataclasses import replace
from types import TracebackType
from typing import Any, Self, TypeVar

from domains.shared.audit import AuditEntry
from domains.shared.errors import DomainError, PreconditionFailed
from domains.shared.uow import MAX_WRITES

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


class FakeUnitOfWork:
    """Staged writes apply on commit to a copy of `store` first, then replace it: all or
    nothing, like a transaction. `store.audit` is a list; a store's `clock`, if any, is
    shared, not copied."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.staged: list[Callable[[Any], None]] = []
        self.items: list[Hashable] = []  # the item each staged write is to

    def __enter__(self) -> Self:
        self.staged, self.items = [], []
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.staged, self.items = [], []

    def audit(self, entry: AuditEntry) -> None:
        self.staged.append(lambda s: s.audit.append(entry))

    def commit(self) -> None:
        """Refuses, like TransactWriteItems, a transaction writing one item twice or making
        more than MAX_WRITES writes (audit entries included)."""
        try:
            if len(set(self.items)) < len(self.items):
                raise DomainError("a transaction cannot include two operations on one item")
            if len(self.staged) > MAX_WRITES:
                raise ValueError(f"a transaction holds at most {MAX_WRITES} actions")
            clock = getattr(self.store, "clock", None)
            draft = copy.deepcopy(self.store, {id(clock): clock})
            for apply in self.staged:
                apply(draft)
            self.store.__dict__.update(draft.__dict__)
        finally:
            self.staged, self.items = [], []
