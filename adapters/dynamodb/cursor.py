"""Opaque page cursors: a start key signed (HMAC-SHA256) together with the query it belongs to.

The scope (table, index, key condition and its values) is part of the signed message, so a
cursor from one partition cannot be replayed against another, and a client cannot forge a key
into another tenant's partition.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from typing import Any

from domains.shared.errors import ValidationFailed

_VERSION = "c1"
_KEY_TYPES = frozenset({"S", "N"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _invalid(reason: str) -> ValidationFailed:
    return ValidationFailed(
        f"invalid cursor: {reason}", errors=[{"loc": ["cursor"], "msg": "invalid cursor"}]
    )


def start_key_from(item: Mapping[str, Any], key_names: Iterable[str]) -> dict[str, Any]:
    """The start key for the next page, rebuilt from the last item actually returned.

    It projects the table key plus the index key (for an index query), as DynamoDB expects.
    """
    return {name: item[name] for name in key_names if name in item}


class CursorSigner:
    """Encodes a wire-format start key into an opaque, URL-safe, signed string and back."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("cursor secret must be at least 16 bytes")
        self._secret = secret

    def _mac(self, payload: str, scope: str) -> bytes:
        message = f"{_VERSION}\x00{scope}\x00{payload}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    def encode(self, start_key: Mapping[str, Any], scope: str) -> str:
        for name, value in start_key.items():
            if set(value) - _KEY_TYPES:
                raise ValueError(f"key attribute {name!r} must be S or N, got {value!r}")
        payload = _b64(json.dumps(start_key, sort_keys=True, separators=(",", ":")).encode())
        return f"{_VERSION}.{payload}.{_b64(self._mac(payload, scope))}"

    def decode(self, cursor: str, scope: str) -> dict[str, Any]:
        """The start key, or ValidationFailed if forged, tampered, truncated or foreign."""
        parts = cursor.split(".") if isinstance(cursor, str) else []
        if len(parts) != 3 or parts[0] != _VERSION:
            raise _invalid("malformed")
        _, payload, signature = parts
        try:
            given = _unb64(signature)
        except (binascii.Error, ValueError) as e:
            raise _invalid("malformed signature") from e
        if not hmac.compare_digest(given, self._mac(payload, scope)):
            raise _invalid("signature mismatch")
        try:
            key = json.loads(_unb64(payload))
        except (binascii.Error, ValueError) as e:
            raise _invalid("malformed payload") from e
        if not isinstance(key, dict) or not key:
            raise _invalid("empty key")
        return key
