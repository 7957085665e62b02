"""ULID identifiers: 128-bit, lexicographically sortable by creation time (Crockford base32)."""

from __future__ import annotations

import os
import re
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ULID_RE = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")
_lock = threading.Lock()
_last: tuple[int, int] = (0, 0)


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def new_id(now_ms: int | None = None) -> str:
    """A new ULID; ids made in the same millisecond stay strictly increasing (monotonic)."""
    global _last
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    with _lock:
        last_ms, last_rand = _last
        if ms <= last_ms:
            ms, rand = last_ms, last_rand + 1
        else:
            rand = int.from_bytes(os.urandom(10), "big")
        _last = (ms, rand)
    return _encode(ms, 10) + _encode(rand & ((1 << 80) - 1), 16)


def id_at(at_ms: int) -> str:
    """A ULID whose time part is `at_ms` (a time the caller gave, such as when a run started),
    with a random rest. Unlike new_id it leaves the monotonic sequence alone, so an id of
    another time never holds back the ids made after it."""
    return _encode(at_ms, 10) + _encode(int.from_bytes(os.urandom(10), "big"), 16)


def is_valid_id(value: str) -> bool:
    return bool(_ULID_RE.match(value or ""))


def id_timestamp_ms(value: str) -> int:
    """Milliseconds since the epoch encoded in a ULID's first ten characters."""
    ms = 0
    for ch in value[:10]:
        ms = ms * 32 + _ALPHABET.index(ch)
    return ms


def id_range(start_ms: int, end_ms: int) -> tuple[str, str]:
    """The lowest and highest ULIDs made in [start_ms, end_ms): bounds of a BETWEEN over ids."""
    return _encode(start_ms, 10) + "0" * 16, _encode(end_ms - 1, 10) + "Z" * 16
