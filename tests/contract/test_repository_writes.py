"""Contract: the base repository's writes (conditions, versions, transactions, offload)."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr

from adapters.dynamodb.capacity import item_size
from domains.shared.errors import (
    Conflict,
    PayloadTooLarge,
    PreconditionFailed,
    TransactionCancelled,
)

from .conftest import Backend
from .project_records import project_key

pytestmark = pytest.mark.contract


def _record(org: str, project_id: str, **extra: object) -> dict[str, object]:
    return {**project_key(org, project_id), "name": f"Project {project_id}", **extra}


def test_round_trip_keeps_types(backend: Backend) -> None:
    created = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    record = _record(
        backend.org,
        "p1",
        score=Decimal("0.25"),
        ratio=0.5,
        tags={"ml", "nlp"},
        blob=b"\x00\x01",
        created_at=created,
        nested={"n": 3, "none": None},
        owner=None,
    )
    backend.repo.create(record)
    loaded = backend.repo.get(project_key(backend.org, "p1"))
    assert loaded is not None
    assert loaded["score"] == Decimal("0.25") and loaded["ratio"] == Decimal("0.5")
    assert loaded["tags"] == {"ml", "nlp"} and loaded["blob"] == b"\x00\x01"
    assert loaded["created_at"] == created and loaded["nested"] == {"n": 3, "none": None}
    assert "owner" not in loaded and loaded["version"] == 1


def test_duplicate_create_is_a_conflict(backend: Backend) -> None:
    backend.repo.create(_record(backend.org, "dup"))
    with pytest.raises(Conflict) as caught:
        backend.repo.create(_record(backend.org, "dup"))
    assert caught.value.__cause__ is not None


def test_versioned_update_rejects_a_stale_version(backend: Backend) -> None:
    key = project_key(backend.org, "v")
    backend.repo.create(_record(backend.org, "v"))
    updated = backend.repo.change(key, {"name": "Renamed", "status": None}, 1)
    assert updated["version"] == 2 and updated["name"] == "Renamed"
    with pytest.raises(PreconditionFailed):
        backend.repo.change(key, {"name": "Stale"}, 1)
    assert backend.repo.replace(_record(backend.org, "v", name="Whole"), 2) == 3
    with pytest.raises(PreconditionFailed):
        backend.repo.replace(_record(backend.org, "v"), None)
    loaded = backend.repo.get(key)
    assert loaded is not None and loaded["name"] == "Whole" and loaded["version"] == 3


def test_two_concurrent_updaters_one_wins(backend: Backend) -> None:
    key = project_key(backend.org, "race")
    backend.repo.create(_record(backend.org, "race"))
    barrier, outcomes = threading.Barrier(2), []

    def update(name: str) -> None:
        barrier.wait()
        try:
            backend.repo.change(key, {"name": name}, 1)
            outcomes.append("won")
        except PreconditionFailed:
            outcomes.append("lost")

    if backend.name == "inprocess":
        # moto's in-process backend does not serialise concurrent requests (its condition
        # check and write are not atomic across threads, unlike DynamoDB and moto's server
        # serialised: see start_moto_server),
        # so here the two updaters of the same version run one after the other.
        barrier = threading.Barrier(1)
        update("a")
        update("b")
    else:
        threads = [threading.Thread(target=update, args=(n,)) for n in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert backend.repo.get(key)["version"] == 2  # type: ignore[index]


def test_delete_checks_the_version(backend: Backend) -> None:
    key = project_key(backend.org, "del")
    backend.repo.create(_record(backend.org, "del"))
    with pytest.raises(PreconditionFailed):
        backend.repo.remove(key, expected_version=7)
    assert backend.repo.remove(key, expected_version=1) is True
    assert backend.repo.get(key) is None
    assert backend.repo.remove(key) is False


def test_transaction_cancellation_maps_reasons(backend: Backend) -> None:
    backend.repo.create(_record(backend.org, "taken"))
    transaction = (
        backend.repo.transaction()
        .put("projects", _record(backend.org, "fresh"), versioned=True)
        .require_absent("projects", project_key(backend.org, "taken"))
    )
    with pytest.raises(TransactionCancelled) as caught:
        transaction.commit()
    assert caught.value.reasons == ["None", "ConditionalCheckFailed"]
    assert backend.repo.get(project_key(backend.org, "fresh")) is None


def test_transaction_adds_counters_and_checks_versions(backend: Backend) -> None:
    key = project_key(backend.org, "count")
    backend.repo.create(_record(backend.org, "count", member_count=3))
    (
        backend.repo.transaction()
        .update(
            "projects",
            key,
            add={"member_count": 2},
            set={"name": "Busy"},
            versioned=True,
            expected_version=1,
        )
        .put("projects", _record(backend.org, "member-1"), condition=Attr("pk").not_exists())
        .commit()
    )
    backend.repo.bump(key, member_count=-1, views=10)
    loaded = backend.repo.get(key)
    assert loaded is not None
    assert (loaded["member_count"], loaded["views"], loaded["version"]) == (4, 10, 2)
    stale = backend.repo.transaction().update(
        "projects", key, add={"member_count": 1}, versioned=True, expected_version=1
    )
    with pytest.raises(TransactionCancelled) as caught:
        stale.commit()
    assert caught.value.reasons == ["ConditionalCheckFailed"]


def test_large_attribute_offloaded_to_s3_and_back(backend: Backend) -> None:
    key = project_key(backend.org, "big")
    canvas = os.urandom(500_000).hex()  # 1 MB of text
    backend.repo.create(_record(backend.org, "big", canvas=canvas, small="kept"))
    raw = backend.dynamodb.get_item(
        TableName=backend.client.name("projects"),
        Key={"pk": {"S": key["pk"]}, "sk": {"S": key["sk"]}},
    )["Item"]
    assert item_size(raw) < 400 * 1024 and "__s3__" in raw["canvas"]["M"]
    uri = raw["canvas"]["M"]["__s3__"]["S"]
    loaded = backend.repo.get(key)
    assert loaded is not None and loaded["canvas"] == canvas and loaded["small"] == "kept"
    assert backend.repo.remove(key) is True
    listed = backend.s3.list_objects_v2(
        Bucket=backend.store.bucket, Prefix=backend.store.key_of(uri)
    )
    assert listed.get("KeyCount", 0) == 0


def test_item_too_large_without_offload_is_payload_too_large(backend: Backend) -> None:
    item = {"pk": {"S": backend.org}, "sk": {"S": "PROJECT#huge"}, "x": {"S": "a" * 420_000}}
    with pytest.raises(PayloadTooLarge):
        backend.client.put_item("projects", Item=item)


def test_replacing_or_updating_a_large_attribute_keeps_it_offloaded(backend: Backend) -> None:
    key = project_key(backend.org, "big2")
    backend.repo.create(_record(backend.org, "big2", canvas="a" * 600_000))
    first = backend.repo.client_item(key)["canvas"]["M"]["__s3__"]["S"]
    assert backend.repo.replace(_record(backend.org, "big2", canvas="b" * 600_000), 1) == 2
    second = backend.repo.client_item(key)["canvas"]["M"]["__s3__"]["S"]
    assert first != second and not _exists(backend, first) and _exists(backend, second)
    changed = backend.repo.change(key, {"canvas": "c" * 700_000}, 2)
    assert changed["canvas"] == "c" * 700_000 and changed["version"] == 3
    assert backend.repo.get(key)["canvas"] == "c" * 700_000  # type: ignore[index]


def _exists(backend: Backend, uri: str) -> bool:
    key = backend.store.key_of(uri)
    listed = backend.s3.list_objects_v2(Bucket=backend.store.bucket, Prefix=key)
    return bool(listed.get("KeyCount", 0))
