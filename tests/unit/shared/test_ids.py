from domains.shared.ids import id_timestamp_ms, is_valid_id, new_id


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
