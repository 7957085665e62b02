"""The codec: domain values to DynamoDB wire types and back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from adapters.dynamodb.codec import decode_item, encode_item, encode_value
from domains.shared.errors import ValidationFailed


def _round_trip(values: Mapping[str, Any]) -> dict[str, Any]:
    return decode_item(encode_item(values))


def test_numbers() -> None:
    wire = encode_item({"f": 0.1, "d": Decimal("2.50"), "i": 7, "big": 10**30, "one": 1.0})
    assert wire["f"] == {"N": "0.1"} and wire["i"] == {"N": "7"}
    back = decode_item(wire)
    assert back == {"f": Decimal("0.1"), "d": Decimal("2.5"), "i": 7, "big": 10**30, "one": 1}
    assert type(back["i"]) is int and type(back["one"]) is int


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), Decimal("NaN")])
def test_nan_and_infinity_are_refused(bad: object) -> None:
    with pytest.raises(ValidationFailed):
        encode_item({"x": bad})
    with pytest.raises(ValidationFailed):
        encode_item({"x": {"nested": [bad]}})


def test_none_is_omitted_at_top_level_and_null_inside() -> None:
    wire = encode_item({"a": None, "m": {"b": None}, "l": [None, 1]})
    assert "a" not in wire
    assert wire["m"] == {"M": {"b": {"NULL": True}}}
    assert decode_item(wire) == {"m": {"b": None}, "l": [None, 1]}


def test_sets() -> None:
    back = _round_trip({"s": {"a", "b"}, "n": {1, 2.5}, "b": {b"x"}, "empty": set()})
    assert back == {"s": {"a", "b"}, "n": {1, Decimal("2.5")}, "b": {b"x"}}
    assert "empty" not in encode_item({"m": {"empty": frozenset()}})["m"]["M"]
    with pytest.raises(ValueError):
        encode_item({"l": [set()]})


def test_datetimes_under_at_names_round_trip_as_utc() -> None:
    paris = timezone(timedelta(hours=2))
    moment = datetime(2026, 5, 1, 14, 0, 0, 123456, tzinfo=paris)
    wire = encode_item({"created_at": moment, "meta": {"seen_at": moment}})
    assert wire["created_at"] == {"S": "2026-05-01T12:00:00.123456Z"}
    back = decode_item(wire)
    assert back["created_at"] == moment and back["created_at"].tzinfo == UTC
    assert back["meta"] == {"seen_at": moment}


def test_datetimes_elsewhere_or_naive_are_refused() -> None:
    with pytest.raises(ValueError):
        encode_item({"created": datetime.now(UTC)})
    with pytest.raises(ValueError):
        encode_item({"created_at": datetime(2026, 1, 1)})
    with pytest.raises(ValueError):
        encode_item({"times_at": [datetime.now(UTC)]})
    with pytest.raises(ValueError, match="epoch seconds"):
        encode_item({"expires_at": datetime.now(UTC)})
    assert decode_item(encode_item({"expires_at": 1_800_000_000})) == {"expires_at": 1_800_000_000}
    assert decode_item({"created_at": {"S": "not a time"}}) == {"created_at": "not a time"}
    assert decode_item({"name": {"S": "2026-01-01T00:00:00Z"}}) == {"name": "2026-01-01T00:00:00Z"}


def test_nested_structures_bytes_and_bools() -> None:
    values = {"m": {"l": [1, "a", {"x": True}, b"\x00"], "t": (1, 2)}, "raw": b"\xff"}
    back = _round_trip(values)
    assert back == {"m": {"l": [1, "a", {"x": True}, b"\x00"], "t": [1, 2]}, "raw": b"\xff"}
    assert encode_value(True) == {"BOOL": True}


def test_unknown_types_are_refused() -> None:
    with pytest.raises(ValueError):
        encode_item({"x": object()})


@pytest.mark.parametrize("bad", [1e200, 1e-200, 10**40, Decimal("1." + "1" * 40)])
def test_numbers_dynamodb_cannot_hold_are_refused_as_invalid(bad: object) -> None:
    with pytest.raises(ValidationFailed, match="range or precision"):
        encode_item({"x": bad})
    with pytest.raises(ValidationFailed):
        encode_value({"nested": [bad]})
