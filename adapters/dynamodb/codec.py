"""The one codec between domain values and DynamoDB wire types (boto3's serializers underneath).

Conventions, chosen to round-trip without surprises:
- float -> Decimal via its shortest repr; NaN and infinities are refused (ValidationFailed), and
  so is a number DynamoDB cannot hold (more than 38 digits, magnitude past 1E+126 or 1E-130).
- Numbers come back as int when they have no fraction (so 1.0 comes back as 1), else Decimal.
- None at the top level of an item is omitted (the attribute is absent); inside a map or a
  list it is NULL and comes back as None.
- Empty sets are omitted (DynamoDB stores none); inside a list they are refused.
- Non-empty sets of str, numbers or bytes become SS / NS / BS.
- bytes -> B, and come back as bytes.
- datetimes are allowed only as the value of an attribute (or map key) whose name ends in
  `_at`; they must be timezone-aware and are stored as ISO 8601 UTC strings with microseconds
  (`2026-01-01T00:00:00.000000Z`, sortable as text). Such strings come back as datetimes.
  A datetime anywhere else is refused, so nothing goes in that cannot come back; so is one
  under `expires_at`, the TTL attribute, which DynamoDB reads only as epoch seconds.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

from domains.shared.errors import ValidationFailed

Wire = dict[str, Any]

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")
_OMIT = object()
TTL_ATTRIBUTE = "expires_at"


def _is_time_name(name: str | None) -> bool:
    return name is not None and name.endswith("_at")


def format_datetime(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are refused; use a timezone-aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_decimal(number: float | Decimal) -> Decimal:
    if isinstance(number, float) and not math.isfinite(number):
        raise ValidationFailed(f"number {number!r} cannot be stored (NaN and infinity are refused)")
    value = Decimal(repr(number)) if isinstance(number, float) else number
    if not value.is_finite():
        raise ValidationFailed(f"number {value!r} cannot be stored (NaN and infinity are refused)")
    return value


def _prepare(value: Any, name: str | None, in_list: bool) -> Any:
    """Turn a domain value into what TypeSerializer accepts; _OMIT drops the attribute."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int | bytes):
        return value
    if isinstance(value, float | Decimal):
        return to_decimal(value)
    if isinstance(value, datetime):
        if name == TTL_ATTRIBUTE:
            raise ValueError(f"{TTL_ATTRIBUTE} is DynamoDB's TTL: give epoch seconds (an int)")
        if not _is_time_name(name):
            raise ValueError(f"datetime under {name!r}: only attributes ending in _at hold times")
        return format_datetime(value)
    if isinstance(value, set | frozenset):
        return _prepare_set(value, name, in_list)
    if isinstance(value, Mapping):
        prepared = {str(k): _prepare(v, str(k), False) for k, v in value.items()}
        return {k: v for k, v in prepared.items() if v is not _OMIT}
    if isinstance(value, list | tuple):
        return [_prepare(v, None, True) for v in value]
    raise ValueError(f"cannot store a {type(value).__name__} under {name!r}")


def _prepare_set(value: set[Any] | frozenset[Any], name: str | None, in_list: bool) -> Any:
    if not value:
        if in_list:
            raise ValueError("an empty set inside a list cannot be stored")
        return _OMIT
    return {to_decimal(v) if isinstance(v, float) else v for v in value}


def _serialize(prepared: Any, name: str | None) -> Wire:
    try:
        return dict(_serializer.serialize(prepared))
    except decimal.DecimalException as e:
        raise ValidationFailed(
            f"a number under {name!r} is out of DynamoDB's range or precision"
        ) from e


def encode_value(value: Any, name: str | None = None) -> Wire:
    """One domain value as a DynamoDB attribute value ({"S": ...}, {"N": ...}, ...)."""
    prepared = _prepare(value, name, False)
    if prepared is _OMIT:
        raise ValueError(f"an empty set under {name!r} cannot be written as a value")
    return _serialize(prepared, name)


def encode_item(values: Mapping[str, Any]) -> dict[str, Wire]:
    """A domain dict as a DynamoDB item; None and empty sets are omitted."""
    item: dict[str, Wire] = {}
    for name, value in values.items():
        if value is None:
            continue
        prepared = _prepare(value, name, False)
        if prepared is not _OMIT:
            item[name] = _serialize(prepared, name)
    return item


def _restore(value: Any, name: str | None) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, Binary):
        return bytes(value)  # type: ignore[call-overload]
    if isinstance(value, str) and _is_time_name(name) and _ISO_RE.match(value):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    if isinstance(value, set):
        return {_restore(v, None) for v in value}
    if isinstance(value, dict):
        return {k: _restore(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v, None) for v in value]
    return value


def decode_value(value: Mapping[str, Any], name: str | None = None) -> Any:
    return _restore(_deserializer.deserialize(dict(value)), name)  # type: ignore[arg-type]


def decode_item(item: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A DynamoDB item as a domain dict (ints, Decimals, bytes, sets, datetimes under *_at)."""
    return {name: decode_value(value, name) for name, value in item.items()}
