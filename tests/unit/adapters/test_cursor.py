"""Signed cursors: round trip, and refusal of tampered, forged, truncated or foreign ones."""

from __future__ import annotations

import base64
import json

import pytest

from adapters.dynamodb.cursor import CursorSigner, start_key_from
from domains.shared.errors import ValidationFailed

SECRET = b"0123456789abcdef-cursor-tests"
KEY = {"pk": {"S": "ORG#a"}, "sk": {"S": "PROJECT#1"}}
SCOPE = "projects::abc"


def test_round_trip_is_url_safe() -> None:
    cursor = CursorSigner(SECRET).encode(KEY, SCOPE)
    assert all(c.isalnum() or c in "-_." for c in cursor)
    assert CursorSigner(SECRET).decode(cursor, SCOPE) == KEY


def test_tampered_payload_is_rejected() -> None:
    cursor = CursorSigner(SECRET).encode(KEY, SCOPE)
    version, _, signature = cursor.split(".")
    other = {"pk": {"S": "ORG#victim"}, "sk": {"S": "PROJECT#1"}}
    payload = base64.urlsafe_b64encode(json.dumps(other).encode()).decode().rstrip("=")
    with pytest.raises(ValidationFailed):
        CursorSigner(SECRET).decode(f"{version}.{payload}.{signature}", SCOPE)


def test_forged_with_another_secret_is_rejected() -> None:
    forged = CursorSigner(b"attacker-secret-0123456789").encode(KEY, SCOPE)
    with pytest.raises(ValidationFailed):
        CursorSigner(SECRET).decode(forged, SCOPE)


def test_foreign_scope_is_rejected() -> None:
    cursor = CursorSigner(SECRET).encode(KEY, SCOPE)
    with pytest.raises(ValidationFailed):
        CursorSigner(SECRET).decode(cursor, "projects::other-partition")


@pytest.mark.parametrize("bad", ["", "x", "c1.", "c1..", "c2.e30.AAAA", "c1.!!.??", "c1.e30"])
def test_malformed_and_truncated_are_rejected(bad: str) -> None:
    with pytest.raises(ValidationFailed):
        CursorSigner(SECRET).decode(bad, SCOPE)
    cursor = CursorSigner(SECRET).encode(KEY, SCOPE)
    with pytest.raises(ValidationFailed):
        CursorSigner(SECRET).decode(cursor[:-4], SCOPE)


def test_short_secrets_and_non_key_types_are_refused() -> None:
    with pytest.raises(ValueError):
        CursorSigner(b"short")
    with pytest.raises(ValueError):
        CursorSigner(SECRET).encode({"pk": {"M": {}}}, SCOPE)


def test_start_key_projects_table_and_index_keys_of_the_last_item() -> None:
    item = {**KEY, "gsi1pk": {"S": "w"}, "gsi1sk": {"S": "t"}, "name": {"S": "x"}}
    assert start_key_from(item, ["pk", "sk", "gsi1pk", "gsi1sk"]) == {
        **KEY,
        "gsi1pk": {"S": "w"},
        "gsi1sk": {"S": "t"},
    }
