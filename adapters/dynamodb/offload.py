"""Keeps items under DynamoDB's 400 KB limit by moving their largest attributes to S3.

An offloaded attribute is replaced by a pointer map `{"__s3__": "s3://bucket/key", "sha256":
...}`; the object holds the attribute's DynamoDB JSON (B as base64), gzipped. Object keys are
unique per write, so a writer that loses a version race never overwrites the winner's object.
Cleanup is best effort: objects of a deleted or overwritten item are deleted after the write
succeeds (a failure is logged, not raised); objects uploaded for a write that then fails are
deleted too. Attributes replaced by an UpdateItem are not known and stay behind.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from adapters.dynamodb.capacity import MAX_ITEM_BYTES, item_size, value_size
from adapters.s3.store import S3ObjectStore
from domains.shared.errors import DomainError, PayloadTooLarge, Unavailable

POINTER = "__s3__"
DEFAULT_THRESHOLD_BYTES = 350_000
Wire = dict[str, Any]
log = logging.getLogger(__name__)


def is_pointer(value: Mapping[str, Any]) -> bool:
    inner = value.get("M")
    return isinstance(inner, Mapping) and set(inner) == {POINTER, "sha256"}


def pointer_uris(item: Mapping[str, Any]) -> set[str]:
    return {v["M"][POINTER]["S"] for v in item.values() if is_pointer(v)}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _to_jsonable(value: Mapping[str, Any]) -> dict[str, Any]:
    """DynamoDB wire form -> DynamoDB JSON (binary as base64 text), driven by the type tags."""
    ((kind, raw),) = value.items()
    if kind == "B":
        return {"B": _b64(raw)}
    if kind == "BS":
        return {"BS": [_b64(v) for v in raw]}
    if kind == "L":
        return {"L": [_to_jsonable(v) for v in raw]}
    if kind == "M":
        return {"M": {k: _to_jsonable(v) for k, v in raw.items()}}
    return {kind: raw}


def _from_jsonable(value: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of _to_jsonable."""
    ((kind, raw),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(raw)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v) for v in raw]}
    if kind == "L":
        return {"L": [_from_jsonable(v) for v in raw]}
    if kind == "M":
        return {"M": {k: _from_jsonable(v) for k, v in raw.items()}}
    return {kind: raw}


class Offloader:
    def __init__(
        self,
        store: S3ObjectStore,
        threshold_bytes: int = DEFAULT_THRESHOLD_BYTES,
        *,
        prefix: str = "dynamodb",
    ) -> None:
        if not 1024 <= threshold_bytes < MAX_ITEM_BYTES:
            raise ValueError(f"threshold must be between 1 KB and {MAX_ITEM_BYTES} bytes")
        self._store = store
        self._threshold = threshold_bytes
        self._prefix = prefix

    def offload(
        self, table: str, item: Mapping[str, Wire], *, protected: Iterable[str]
    ) -> tuple[dict[str, Wire], list[str]]:
        """The item made to fit (largest attributes moved first), and the URIs uploaded."""
        result, uploaded, keep = dict(item), [], set(protected)
        try:
            while item_size(result) > self._threshold:
                movable = [n for n, v in result.items() if n not in keep and not is_pointer(v)]
                if not movable:
                    raise PayloadTooLarge(f"item too large for {table} even with offloading")
                name = max(movable, key=lambda n: value_size(result[n]))
                result[name] = self._upload(table, name, result[name])
                uploaded.append(result[name]["M"][POINTER]["S"])
        except DomainError:
            self.discard(uploaded)
            raise
        return result, uploaded

    def _upload(self, table: str, name: str, value: Wire) -> Wire:
        raw = json.dumps(_to_jsonable(value), separators=(",", ":")).encode()
        key = f"{self._prefix}/{table}/{name}/{uuid.uuid4().hex}.json.gz"
        uri = self._store.put(key, gzip.compress(raw), content_type="application/gzip")
        digest = hashlib.sha256(raw).hexdigest()
        return {"M": {POINTER: {"S": uri}, "sha256": {"S": digest}}}

    def resolve(self, item: Mapping[str, Wire]) -> dict[str, Wire]:
        """The item with every pointer replaced by the attribute it points to."""
        return {n: self._download(v) if is_pointer(v) else v for n, v in item.items()}

    def _download(self, pointer: Wire) -> Wire:
        uri, digest = pointer["M"][POINTER]["S"], pointer["M"]["sha256"]["S"]
        raw = gzip.decompress(self._store.get(self._store.key_of(uri)))
        if hashlib.sha256(raw).hexdigest() != digest:
            raise Unavailable(f"offloaded attribute {uri} does not match its checksum")
        return dict(_from_jsonable(json.loads(raw)))

    def discard(self, uris: Iterable[str]) -> None:
        """Delete objects, best effort: a failure is logged and left for a sweeper."""
        for uri in uris:
            try:
                self._store.delete(self._store.key_of(uri))
            except (DomainError, ValueError):
                log.warning("could not delete offloaded object %s", uri, exc_info=True)
