"""Offloading large attributes (with a fake object store) and batch-get retries."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from adapters.dynamodb.capacity import item_size
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.offload import Offloader, pointer_uris
from adapters.dynamodb.recorder import CallRecorder
from adapters.dynamodb.repository import DynamoRepository
from domains.shared.errors import NotFound, PayloadTooLarge, Throttled


class MemoryStore:
    bucket = "mem"

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def uri(self, key: str) -> str:
        return f"s3://mem/{key}"

    def key_of(self, uri: str) -> str:
        return uri.removeprefix("s3://mem/")

    def put(self, key: str, data: bytes, *, content_type: str = "") -> str:
        self.objects[key] = data
        return self.uri(key)

    def get(self, key: str) -> bytes:
        if key not in self.objects:
            raise NotFound(key)
        return self.objects[key]

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)


def _offloader(threshold: int = 2048) -> tuple[Offloader, MemoryStore]:
    store = MemoryStore()
    return Offloader(store, threshold), store  # type: ignore[arg-type]


def test_largest_attributes_move_until_the_item_fits() -> None:
    offloader, store = _offloader()
    item: dict[str, Any] = {
        "pk": {"S": "p" * 1000},
        "big": {"S": "b" * 3000},
        "bin": {"B": b"\x00" * 1500},
        "nested": {"M": {"l": {"L": [{"BS": [b"\x01"]}, {"N": "1"}]}}},
        "small": {"S": "s"},
    }
    stored, uploaded = offloader.offload("t", item, protected={"pk"})
    assert stored["pk"] == item["pk"] and stored["small"] == item["small"]
    assert len(uploaded) == 2 and pointer_uris(stored) == set(uploaded)
    assert set(stored["big"]["M"]) == {"__s3__", "sha256"}
    assert offloader.resolve(stored) == item
    with pytest.raises(PayloadTooLarge):
        offloader.offload("t", {"pk": {"S": "p" * 5000}}, protected={"pk"})
    offloader.discard(uploaded)
    assert store.objects == {}


def test_small_items_are_untouched_and_thresholds_checked() -> None:
    offloader, store = _offloader()
    item = {"pk": {"S": "p"}, "x": {"S": "x" * 100}}
    assert offloader.offload("t", item, protected={"pk"}) == (item, [])
    assert item_size(item) < 2048 and store.objects == {}
    with pytest.raises(ValueError):
        Offloader(store, 400 * 1024)  # type: ignore[arg-type]


def test_a_tampered_object_is_detected() -> None:
    offloader, store = _offloader()
    stored, _ = offloader.offload("t", {"big": {"S": "b" * 5000}}, protected=())
    (key,) = store.objects
    store.objects[key] = gzip.compress(b'{"S":"evil"}')
    with pytest.raises(Exception, match="checksum"):
        offloader.resolve(stored)


class Records(DynamoRepository[dict]):
    table = "projects"

    def from_item(self, item: dict[str, Any]) -> dict[str, Any]:
        return item


class FlakyBatch:
    """Leaves the last key unprocessed for the first `failures` calls."""

    def __init__(self, failures: int) -> None:
        self.failures, self.calls = failures, 0

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        ((table, spec),) = RequestItems.items()
        keys = spec["Keys"]
        if self.calls <= self.failures:
            processed, unprocessed = keys[:-1], keys[-1:]
        else:
            processed, unprocessed = keys, []
        answer: dict[str, Any] = {"Responses": {table: [dict(k) for k in processed]}}
        if unprocessed:
            answer["UnprocessedKeys"] = {table: {"Keys": unprocessed}}
        return answer


def _repo(boto: FlakyBatch, sleeps: list[float]) -> Records:
    client = DynamoClient(boto, prefix="a", environment="t", is_aws=False, recorder=CallRecorder())
    return Records(client, cursors=CursorSigner(b"x" * 32), sleep=sleeps.append)


def test_unprocessed_keys_are_retried_with_backoff() -> None:
    sleeps: list[float] = []
    boto = FlakyBatch(failures=2)
    keys = [{"pk": "ORG#1", "sk": f"P#{i}"} for i in range(3)]
    found = _repo(boto, sleeps)._batch_get(keys)
    assert [item["sk"] for item in found] == ["P#0", "P#1", "P#2"]
    assert boto.calls == 3 and len(sleeps) == 2 and sleeps[0] <= sleeps[1] * 2


def test_keys_left_unprocessed_too_long_are_throttled() -> None:
    with pytest.raises(Throttled):
        _repo(FlakyBatch(failures=100), [])._batch_get([{"pk": "ORG#1", "sk": "P#1"}])
