"""The one ClientError -> domain error mapping."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from adapters.dynamodb.errors import StoreError, translate
from domains.shared.errors import (
    Conflict,
    PayloadTooLarge,
    PreconditionFailed,
    Throttled,
    TransactionCancelled,
    Unavailable,
)


def _error(code: str, message: str = "", **extra: object) -> ClientError:
    response = {"Error": {"Code": code, "Message": message}, **extra}
    return ClientError(response, "Operation")  # type: ignore[arg-type]


def test_failed_condition_means_what_the_caller_says() -> None:
    error = _error("ConditionalCheckFailedException")
    assert type(translate(error)) is PreconditionFailed
    assert type(translate(error, on_condition=Conflict)) is Conflict


def test_cancelled_transaction_keeps_per_item_reasons() -> None:
    reasons = [{"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "x"}]
    mapped = translate(_error("TransactionCanceledException", CancellationReasons=reasons))
    assert isinstance(mapped, TransactionCancelled)
    assert mapped.reasons == ["None", "ConditionalCheckFailed"]


@pytest.mark.parametrize(
    "code",
    ["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"],
)
def test_throttling(code: str) -> None:
    assert isinstance(translate(_error(code)), Throttled)


def test_missing_table_is_unavailable() -> None:
    mapped = translate(_error("ResourceNotFoundException", "no table"), table="projects")
    assert isinstance(mapped, Unavailable) and "table missing" in mapped.detail


def test_validation_errors() -> None:
    too_big = _error("ValidationException", "Item size has exceeded the maximum allowed size")
    assert isinstance(translate(too_big), PayloadTooLarge)
    update_big = _error("ValidationException", "Item size to update has exceeded the maximum")
    assert isinstance(translate(update_big), PayloadTooLarge)
    malformed = _error("ValidationException", "Invalid UpdateExpression: syntax error")
    assert isinstance(translate(malformed), StoreError)


def test_anything_else_is_unavailable() -> None:
    assert isinstance(translate(_error("InternalServerError")), Unavailable)
    unreachable = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    assert isinstance(translate(unreachable), Unavailable)
