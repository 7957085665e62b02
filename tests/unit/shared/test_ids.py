from collections.abc import Iterator

import pytest

from domains.shared import ids as ids_module
from domains.shared.ids import id_range, id_timestamp_ms, is_valid_id, new_id


@pytest.fixture(autouse=True)
def _restore_the_generator() -> Iterator[None]:
    """An id made at a future time holds every later id of the process at that time (ids
    never go back): give later tests the generator as it was."""
    saved = ids_module._last
    yield
    ids_module._last = saved


def test_ids_are_valid_ulids_and_unique():
    ids = [new_id() for _ in range(2000)]
    assert len(set(ids)) == 2000
    assert all(is_valid_id(i) and len(i) == 26 for i in ids)


def test_ids_sort_by_creation_even_within_one_millisecond():
    ids = [new_id(now_ms=1_700_000_000_000) for _ in range(100)]
    assert ids == sorted(ids)
    later = new_id(now_ms=1_700_000_000_001)
    assert later > ids[-1]


def test_timestamp_is_recoverable():
    assert id_timestamp_ms(new_id(now_ms=1_800_000_000_123)) == 1_800_000_000_123


def test_invalid_ids_are_rejected():
    assert not is_valid_id("")
    assert not is_valid_id("not-a-ulid")
    assert not is_valid_id("8" + "0" * 25)  # overflows 48 bits of time
    assert not is_valid_id("0" * 25 + "U")  # U is not in Crockford's alphabet


def test_an_id_range_bounds_exactly_the_ids_of_its_milliseconds():
    ids_module._last = (0, 0)  # so that ids of 2023 can be made (restored after)
    low, high = id_range(1_700_000_000_000, 1_700_000_000_002)
    assert id_timestamp_ms(low) == 1_700_000_000_000 and id_timestamp_ms(high) == 1_700_000_000_001
    assert low <= new_id(now_ms=1_700_000_000_000) <= high
    assert not low <= new_id(now_ms=1_700_000_000_002) <= high
