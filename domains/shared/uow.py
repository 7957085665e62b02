"""The unit of work: collects a use case's writes and commits them at once, or not at all."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from domains.shared.audit import AuditEntry

# The most writes one commit may hold (TransactWriteItems' 100 actions, audit entries
# included): a use case that may write more splits its work into several commits.
MAX_WRITES = 100


class UnitOfWork(Protocol):
    """Writes staged through a unit of work's repositories are sent by `commit()` as one
    all-or-nothing transaction together with the audit entries; leaving the block without
    committing discards them. Reads go to the store at once."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def audit(self, entry: AuditEntry) -> None: ...

    def commit(self) -> None: ...
