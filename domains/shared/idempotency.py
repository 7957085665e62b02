"""Idempotency-Key: a client retrying a create gets the first answer, not a second resource.

A request carrying `Idempotency-Key` claims the key for its principal and operation before
the handler runs. The first request's successful answer is stored (24 hours) and replayed to
every retry with the same body; a retry with a different body is refused (422), and one that
arrives while the first is still running is refused (409). An answer that failed is not
kept, so the client may correct its request and retry under the same key. Answers holding a
secret shown once (an API key, an invitation token) are never stored: a retry of such a
create that succeeded is told which resource it made (409) and must revoke and create again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Protocol

from domains.shared.errors import Conflict, ValidationFailed

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class StoredAnswer:
    """What a retry gets back: the first answer's status, body and replayable headers.
    `body` is None for an answer holding a secret (only `resource_id` is kept then)."""

    status: int
    body: bytes | None
    headers: dict[str, str] = field(default_factory=dict)
    resource_id: str | None = None


class IdempotencyStore(Protocol):
    def claim(self, scope: str, key: str, fingerprint: str) -> StoredAnswer | None:
        """Claim `key` for a new request (None), or the stored answer to replay. Raises
        ValidationFailed when the key was used with another request body, Conflict while the
        first request holding it still runs."""

    def complete(self, scope: str, key: str, answer: StoredAnswer) -> None:
        """Keep the claimed request's answer for the retries."""

    def release(self, scope: str, key: str) -> None:
        """Give the key up: the request failed, so a retry runs afresh."""


def check_key(raw: str) -> str:
    """A usable key: 1 to 255 visible ASCII characters (a UUID, a ULID, ...)."""
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(c) < 127 for c in key):
        raise ValidationFailed(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters",
            errors=[{"loc": ["header", HEADER], "msg": "invalid idempotency key"}],
        )
    return key


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same request: the operation and the exact body."""
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def reused_with_other_body() -> ValidationFailed:
    return ValidationFailed(
        f"this {HEADER} was used with a different request; use a new key for a new request",
        errors=[{"loc": ["header", HEADER], "msg": "reused with a different request body"}],
    )


def still_running() -> Conflict:
    return Conflict(f"a request with this {HEADER} is still being processed; retry shortly")


def secret_not_replayed(resource_id: str | None) -> Conflict:
    return Conflict(
        f"the request with this {HEADER} already succeeded and created {resource_id}; its"
        " secret was shown once and is not kept: revoke it and create a new one if it was lost",
        resource_id=resource_id,
    )
