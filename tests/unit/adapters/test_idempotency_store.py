"""DynamoIdempotencyStore over moto in-process: claim, replay, mismatch, lease, expiry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.dynamodb.idempotency import DynamoIdempotencyStore
from domains.shared.clock import FixedClock
from domains.shared.errors import Conflict, ValidationFailed
from domains.shared.idempotency import StoredAnswer

ANSWER = StoredAnswer(201, b'{"id": "x"}', {"ETag": '"1"'}, "x")


@pytest.fixture
def store(make_stack):  # type: ignore[no-untyped-def]
    stack = make_stack(())
    clock = FixedClock(datetime(2026, 11, 23, 12, tzinfo=UTC))
    return DynamoIdempotencyStore(stack.gateways.dynamo(), clock=clock), clock


def test_first_claim_runs_then_the_answer_replays(store) -> None:  # type: ignore[no-untyped-def]
    s, _ = store
    assert s.claim("ada POST /x", "k1", "fp") is None
    s.complete("ada POST /x", "k1", ANSWER)
    assert s.claim("ada POST /x", "k1", "fp") == ANSWER
    assert s.claim("bob POST /x", "k1", "fp") is None  # another scope, another key space


def test_another_body_is_refused_and_a_running_claim_is_busy(store) -> None:  # type: ignore[no-untyped-def]
    s, _ = store
    assert s.claim("scope", "k", "fp") is None
    with pytest.raises(Conflict, match="still being processed"):
        s.claim("scope", "k", "fp")
    with pytest.raises(ValidationFailed, match="different request"):
        s.claim("scope", "k", "other")


def test_a_dead_holder_s_lease_runs_out_and_a_retry_takes_over(store) -> None:  # type: ignore[no-untyped-def]
    s, clock = store
    assert s.claim("scope", "k", "fp") is None
    clock.advance(seconds=61)
    assert s.claim("scope", "k", "fp") is None  # taken over
    with pytest.raises(ValidationFailed):
        s.claim("scope", "k", "other")  # a lapsed lease never lets another body in


def test_released_and_expired_keys_are_free_again(store) -> None:  # type: ignore[no-untyped-def]
    s, clock = store
    assert s.claim("scope", "a", "fp") is None
    s.release("scope", "a")
    assert s.claim("scope", "a", "other") is None
    s.complete("scope", "a", ANSWER)
    clock.advance(hours=24, seconds=1)  # TTL passed; the local endpoint never deletes
    assert s.claim("scope", "a", "new body") is None


def test_a_secret_answer_keeps_only_the_resource_id(store) -> None:  # type: ignore[no-untyped-def]
    s, _ = store
    s.claim("scope", "k", "fp")
    s.complete("scope", "k", StoredAnswer(201, None, {}, "key-1"))
    assert s.claim("scope", "k", "fp") == StoredAnswer(201, None, {}, "key-1")
