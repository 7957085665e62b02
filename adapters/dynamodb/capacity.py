"""DynamoDB's documented item-size and capacity-unit arithmetic, for endpoints that report none."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024
MAX_ITEM_BYTES = 400 * 1024

Wire = Mapping[str, Any]


def number_size(text: str) -> int:
    """About one byte per two significant digits, plus one (plus one more when negative)."""
    digits = text.lstrip("+-").lower().split("e")[0].replace(".", "").strip("0")
    size = math.ceil(len(digits) / 2) + 1
    return size + 1 if text.startswith("-") else size


def _text_size(value: str | bytes) -> int:
    return len(value.encode("utf-8")) if isinstance(value, str) else len(value)


def value_size(value: Wire) -> int:
    """The size of one attribute value in DynamoDB's wire form ({"S": ...}, {"M": ...}, ...)."""
    ((kind, raw),) = value.items()
    if kind in ("S", "B"):
        return _text_size(raw)
    if kind == "N":
        return number_size(raw)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "BS"):
        return sum(_text_size(v) for v in raw)
    if kind == "NS":
        return sum(number_size(v) for v in raw)
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in raw)
    if kind == "M":
        return 3 + sum(_text_size(k) + value_size(v) + 1 for k, v in raw.items())
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def item_size(item: Mapping[str, Wire]) -> int:
    """Attribute name lengths (UTF-8) plus value sizes: what DynamoDB meters and limits."""
    return sum(_text_size(name) + value_size(value) for name, value in item.items())


def read_units(size: int, *, consistent: bool = False, transactional: bool = False) -> float:
    """4 KB units, at least one; eventually consistent reads halve, transactional reads double."""
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    if transactional:
        return 2.0 * units
    return float(units) if consistent else units / 2


def write_units(size: int, *, transactional: bool = False) -> float:
    """1 KB units, at least one; transactional writes double."""
    units = max(1, math.ceil(size / WRITE_UNIT_BYTES))
    return 2.0 * units if transactional else float(units)


def query_read_units(sizes: Iterable[int], *, consistent: bool = False) -> float:
    """Query and Scan sum the sizes of the items read, then round once."""
    return read_units(sum(sizes), consistent=consistent)


def batch_get_read_units(sizes: Iterable[int], *, consistent: bool = False) -> float:
    """BatchGetItem rounds each item on its own (a missing key still costs one unit)."""
    return sum(read_units(size, consistent=consistent) for size in sizes)


def indexes_carrying(item: Mapping[str, Any], index_keys: Sequence[tuple[str, str]]) -> int:
    """How many indexes the item appears in: those whose hash and range keys it carries."""
    return sum(1 for hash_key, range_key in index_keys if hash_key in item and range_key in item)


def item_write_units(
    item: Mapping[str, Wire],
    index_keys: Sequence[tuple[str, str]] = (),
    *,
    transactional: bool = False,
) -> float:
    """Writing an item: its table units, plus the same units on each index it carries.

    Indexes project ALL here, so an index entry is as large as the item. Transactions double
    the table's units; index updates are charged as standard writes (our reading of the docs).
    """
    size = item_size(item)
    table = write_units(size, transactional=transactional)
    return table + write_units(size) * indexes_carrying(item, index_keys)
