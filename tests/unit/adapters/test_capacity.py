"""Item sizes and capacity units against DynamoDB's documented rules and examples."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.dynamodb import capacity
from adapters.dynamodb.capacity import item_size, number_size, read_units, write_units

KB = 1024


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("0", 1),
        ("7", 2),
        ("12", 2),
        ("123", 3),
        ("123.45", 4),
        ("-123.45", 5),
        ("1000", 2),
        ("0.001", 2),
        ("1" * 38, 20),
    ],
)
def test_number_size_is_one_byte_per_two_significant_digits_plus_one(text: str, size: int) -> None:
    assert number_size(text) == size


def test_item_size_sums_names_and_values() -> None:
    item: dict[str, Any] = {
        "id": {"S": "abc"},  # 2 + 3
        "név": {"S": "é"},  # UTF-8: 4 + 2
        "n": {"N": "123.45"},  # 1 + 4
        "b": {"B": b"\x00\x01\x02"},  # 1 + 3
        "ok": {"BOOL": True},  # 2 + 1
        "nil": {"NULL": True},  # 3 + 1
        "ss": {"SS": ["ab", "c"]},  # 2 + 3
        "ns": {"NS": ["1", "22"]},  # 2 + 2 + 2
    }
    assert item_size(item) == 5 + 6 + 5 + 4 + 3 + 4 + 5 + 6


def test_lists_and_maps_cost_three_bytes_plus_one_per_element() -> None:
    assert item_size({"l": {"L": []}}) == 1 + 3
    assert item_size({"m": {"M": {}}}) == 1 + 3
    listed = {"l": {"L": [{"S": "ab"}, {"N": "1"}]}}  # 3 + (2 + 1) + (2 + 1)
    assert item_size(listed) == 1 + 9
    mapped = {"m": {"M": {"k": {"S": "v"}, "inner": {"M": {"x": {"BOOL": False}}}}}}
    # 3 + (1 + 1 + 1) + (5 + (3 + 1 + 1 + 1) + 1)
    assert item_size(mapped) == 1 + 3 + 3 + 12


def test_reads_round_up_to_4_kb_units() -> None:
    assert read_units(int(3.5 * KB), consistent=True) == 1  # docs: 3.5 KB -> 1 RCU
    assert read_units(int(3.5 * KB)) == 0.5  # eventually consistent halves
    assert read_units(10 * KB, consistent=True) == 3  # 10 KB -> 3 RCU
    assert read_units(4 * KB, transactional=True) == 2  # transactional doubles
    assert read_units(0) == 0.5  # a miss still costs a unit


def test_writes_round_up_to_1_kb_units() -> None:
    assert write_units(500) == 1
    assert write_units(int(3.5 * KB)) == 4
    assert write_units(KB, transactional=True) == 2
    assert write_units(5 * KB) == 5


def test_query_sums_then_rounds_but_batch_get_rounds_each_item() -> None:
    # docs: a query returning items totalling 40.8 KB is rounded to 44 KB
    sizes = [int(4.08 * KB)] * 10
    assert capacity.query_read_units(sizes, consistent=True) == 11
    assert capacity.query_read_units(sizes) == 5.5
    # docs: BatchGetItem of a 1.5 KB and a 6.5 KB item counts 4 KB + 8 KB = 12 KB
    pair = [int(1.5 * KB), int(6.5 * KB)]
    assert capacity.batch_get_read_units(pair, consistent=True) == 3


def test_index_writes_add_units_for_each_index_the_item_carries() -> None:
    indexes = [("gsi1pk", "gsi1sk"), ("gsi2pk", "gsi2sk")]
    item = {"pk": {"S": "p"}, "sk": {"S": "s"}, "blob": {"S": "x" * (4 * KB + 500)}}
    assert capacity.item_write_units(item, indexes) == 5
    item |= {"gsi1pk": {"S": "a"}, "gsi1sk": {"S": "b"}, "gsi2pk": {"S": "c"}}
    assert capacity.item_write_units(item, indexes) == 10  # gsi2 lacks its sort key
    assert capacity.item_write_units(item, indexes, transactional=True) == 15
