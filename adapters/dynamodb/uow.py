"""DynamoUnitOfWork: stages a use case's writes and the audit entries in one transaction.

TransactWriteItems cancels every action when one condition fails and says which one; each
staged action carries the domain error its condition failing means (a stale version is
PreconditionFailed, a taken e-mail is Conflict), so the caller gets that error, not a bare
cancellation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import Any, Self

from adapters.dynamodb.audit_keys import (
    AUDIT_TABLE,
    action_partition,
    actor_partition,
    audit_partition,
    audit_stamp,
)
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.outbox import OUTBOX_TABLE, outbox_item
from adapters.dynamodb.transaction import Transaction
from domains.shared.audit import AuditEntry
from domains.shared.clock import isoformat
from domains.shared.errors import DomainError, TransactionCancelled
from domains.shared.events import DomainEvent


def audit_item(entry: AuditEntry, retention: timedelta) -> dict[str, Any]:
    """The one mapping of an audit entry to its `system-logs` item (with its index keys)."""
    stamp = audit_stamp(entry.at, entry.id)
    expires = entry.at + retention
    return {
        "pk": audit_partition(entry.org_id),
        "sk": stamp,
        "gsi1pk": actor_partition(entry.org_id, entry.actor_id),
        "gsi1sk": stamp,
        "gsi2pk": action_partition(entry.org_id, entry.action),
        "gsi2sk": stamp,
        "gsi3pk": f"EXPIRES#{expires:%Y-%m-%d}#{ord(entry.id[-1]) % 10}",
        "gsi3sk": f"{int(expires.timestamp())}#{entry.id}",
        "id": entry.id,
        "org_id": entry.org_id,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "resource_type": entry.resource_type,
        "resource_id": entry.resource_id,
        "request_id": entry.request_id,
        "details": entry.details or None,
        "at": isoformat(entry.at),
        "expires_at": int(expires.timestamp()),
    }


class DynamoUnitOfWork:
    def __init__(
        self, client: DynamoClient, *, offloader: Offloader | None, audit_retention_days: int
    ) -> None:
        self.client = client
        self._offloader = offloader
        self._retention = timedelta(days=audit_retention_days)
        self._tx: Transaction | None = None
        self._meanings: list[DomainError | None] = []

    def __enter__(self) -> Self:
        self._tx = Transaction(self.client, offloader=self._offloader)
        self._meanings = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._tx = None  # uncommitted writes are dropped

    def stage(
        self, add: Callable[[Transaction], object], *, on_condition: DomainError | None = None
    ) -> None:
        """Add one action; `on_condition` is raised if that action's condition fails."""
        if self._tx is None:
            raise RuntimeError("stage writes inside `with uow:`")
        add(self._tx)
        self._meanings.append(on_condition)

    def audit(self, entry: AuditEntry) -> None:
        self.stage(lambda tx: tx.put(AUDIT_TABLE, audit_item(entry, self._retention)))

    def publish(self, event: DomainEvent) -> None:
        """Stage the event in the outbox: it exists exactly when the change does."""
        self.stage(lambda tx: tx.put(OUTBOX_TABLE, outbox_item(event)))

    def commit(self) -> None:
        if self._tx is None:
            raise RuntimeError("commit inside `with uow:`")
        try:
            self._tx.commit()
        except TransactionCancelled as e:
            raise self._meaning(e) from e
        finally:
            self._meanings = []

    def _meaning(self, error: TransactionCancelled) -> DomainError:
        for reason, meaning in zip(error.reasons, self._meanings, strict=False):
            if reason == "ConditionalCheckFailed" and meaning is not None:
                return meaning
        return error
