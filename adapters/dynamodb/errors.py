"""The one mapping from botocore's ClientError to domain errors; callers keep the cause."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from domains.shared.errors import (
    DomainError,
    PayloadTooLarge,
    PreconditionFailed,
    Throttled,
    TransactionCancelled,
    Unavailable,
)

THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "Throttling",
        "SlowDown",
    }
)
_SIZE_HINTS = ("item size has exceeded", "item size to update has exceeded", "size limit")


class StoreError(DomainError):
    """The store refused a request as malformed: a programming error, not the caller's input.

    The API reports it as a server error; it is never shown to the client as a 4xx.
    """

    title = "Store error"


def cancellation_codes(error: ClientError) -> list[str]:
    """One code per transaction item ("None" where that item was fine)."""
    reasons = error.response.get("CancellationReasons") or []  # type: ignore[typeddict-item]
    return [str(reason.get("Code", "None")) for reason in reasons]


def _is_size_error(message: str) -> bool:
    lowered = message.lower()
    return any(hint in lowered for hint in _SIZE_HINTS)


def translate(
    error: ClientError | BotoCoreError,
    *,
    on_condition: type[DomainError] = PreconditionFailed,
    table: str = "",
) -> DomainError:
    """The domain error for a failed call; `on_condition` says what a failed condition means."""
    if isinstance(error, BotoCoreError):
        return Unavailable(f"store unreachable: {error}", table=table)
    code = error.response.get("Error", {}).get("Code", "")
    message = error.response.get("Error", {}).get("Message", "")
    if code == "ConditionalCheckFailedException":
        return on_condition(f"condition failed on {table or 'the item'}", table=table)
    if code == "TransactionCanceledException":
        reasons = cancellation_codes(error)
        return TransactionCancelled(f"transaction cancelled: {reasons}", reasons=reasons)
    if code in THROTTLING_CODES:
        return Throttled(f"store throttled ({code})", table=table)
    if code == "ResourceNotFoundException":
        return Unavailable(f"table missing: {table or message}", table=table)
    if code == "ValidationException":
        if _is_size_error(message):
            return PayloadTooLarge(f"item too large for {table or 'the table'}: {message}")
        return StoreError(f"request refused by the store: {message}", table=table, code=code)
    return Unavailable(f"store error {code}: {message}", table=table, code=code)
