"""Contract: the base repository's reads (pages, cursors, batch gets, TTL) and its metering."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.dynamodb.codec import encode_item
from domains.shared.errors import ValidationFailed
from domains.shared.pagination import PageRequest

from .conftest import Backend
from .project_records import project_key

pytestmark = pytest.mark.contract


def _load(backend: Backend, records: list[dict[str, Any]]) -> None:
    """Bulk-load through the client (25 puts per BatchWriteItem)."""
    for start in range(0, len(records), 25):
        chunk = records[start : start + 25]
        writes = [{"PutRequest": {"Item": encode_item(r)}} for r in chunk]
        response = backend.client.batch_write_item(RequestItems={"projects": writes})
        assert not response.get("UnprocessedItems")


def _projects(org: str, count: int, **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            **project_key(org, f"{i:04d}"),
            "n": i,
            "status": "active" if i % 2 else "archived",
            **extra,
        }
        for i in range(count)
    ]


def _all_pages(fetch: Any, limit: int) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    while True:
        page = fetch(PageRequest(limit=limit, cursor=cursor))
        pages.append(list(page.items))
        cursor = page.next_cursor
        if cursor is None:
            return pages


def test_pages_cover_every_item_exactly_once(backend: Backend) -> None:
    _load(backend, _projects(backend.org, 250))
    pages = _all_pages(lambda p: backend.repo.list_in(backend.org, p), 100)
    assert [len(p) for p in pages] == [100, 100, 50]
    seen = [item["n"] for page in pages for item in page]
    assert seen == list(range(250))


def test_filtered_pages_are_full_and_complete(backend: Backend) -> None:
    _load(backend, _projects(backend.org, 60))
    pages = _all_pages(lambda p: backend.repo.list_in(backend.org, p, status="active"), 20)
    assert [len(p) for p in pages] == [20, 10]
    assert [i["n"] for p in pages for i in p] == list(range(1, 60, 2))


def test_index_pages_use_the_index_key_in_cursors(backend: Backend) -> None:
    workspace = f"{backend.org}#WS#w1"
    records = [
        {**r, "gsi1pk": workspace, "gsi1sk": f"2026-01-{r['n'] % 28 + 1:02d}#{r['n']:04d}"}
        for r in _projects(backend.org, 45)
    ]
    _load(backend, records)
    pages = _all_pages(lambda p: backend.repo.list_workspace(workspace, p), 20)
    assert [len(p) for p in pages] == [20, 20, 5]
    sort_keys = [i["gsi1sk"] for p in pages for i in p]
    assert sort_keys == sorted(sort_keys, reverse=True) and len(set(sort_keys)) == 45


def test_forged_tampered_and_foreign_cursors_are_rejected(backend: Backend) -> None:
    _load(backend, _projects(backend.org, 5))
    cursor = backend.repo.list_in(backend.org, PageRequest(limit=2)).next_cursor
    assert cursor is not None
    version, payload, signature = cursor.split(".")
    tampered = f"{version}.{payload[:-2]}AA.{signature}"
    for bad in (tampered, "c1.e30.AAAA", cursor[:-3], "not-a-cursor"):
        with pytest.raises(ValidationFailed):
            backend.repo.list_in(backend.org, PageRequest(limit=2, cursor=bad))
    with pytest.raises(ValidationFailed):
        backend.repo.list_in(f"{backend.org}-other", PageRequest(limit=2, cursor=cursor))


def test_batch_get_chunks_keeps_order_and_skips_missing(backend: Backend) -> None:
    _load(backend, _projects(backend.org, 250))
    keys = [project_key(backend.org, f"{i:04d}") for i in reversed(range(250))]
    keys.insert(7, project_key(backend.org, "missing"))
    with backend.recorder.capture() as calls:
        found = backend.repo.get_many(keys)
    assert [item["n"] for item in found] == list(reversed(range(250)))
    assert [c.operation for c in calls] == ["BatchGetItem"] * 3
    assert sum(c.items for c in calls) == 250
    assert sum(c.read_units for c in calls) == pytest.approx(251 * 0.5)


def test_expired_items_are_filtered_on_every_read(backend: Backend) -> None:
    now = int(backend.clock.now().timestamp())
    records = _projects(backend.org, 4)
    records[1]["expires_at"], records[2]["expires_at"] = now - 10, now + 3600
    _load(backend, records)
    assert backend.repo.get(project_key(backend.org, "0001")) is None
    assert backend.repo.get(project_key(backend.org, "0002")) is not None
    listed = backend.repo.list_in(backend.org, PageRequest(limit=3))
    assert [i["n"] for i in listed.items] == [0, 2, 3] and listed.next_cursor is None
    keys = [project_key(backend.org, f"{i:04d}") for i in range(4)]
    assert [i["n"] for i in backend.repo.get_many(keys)] == [0, 2, 3]


def test_recorder_meters_calls_and_capacity(backend: Backend) -> None:
    record = {
        **project_key(backend.org, "meter"),
        "gsi1pk": f"{backend.org}#WS#m",
        "gsi1sk": "2026#meter",
        "blob": "a" * 4_700,
    }
    with backend.recorder.capture() as calls:
        backend.repo.create(record)  # about 4.8 KB: 5 WCU on the table + 5 on gsi1
        backend.repo.get(project_key(backend.org, "meter"))  # strongly consistent: 2 RCU
        backend.repo.list_workspace(f"{backend.org}#WS#m", PageRequest(limit=5))  # 1 RCU
    assert [(c.operation, c.table, c.index) for c in calls] == [
        ("PutItem", "projects", None),
        ("GetItem", "projects", None),
        ("Query", "projects", "gsi1"),
    ]
    assert [(c.read_units, c.write_units) for c in calls] == [(0, 10), (2, 0), (1, 0)]
    assert all(c.latency_ms > 0 for c in calls)
    summary = backend.recorder.summary(calls)
    assert summary[("PutItem", "projects")].write_units == 10


def test_scan_pages_for_admin_browsing(backend: Backend) -> None:
    _load(backend, _projects(backend.org, 30))
    pages = _all_pages(lambda p: backend.repo.browse(backend.org, p), 10)
    assert [len(p) for p in pages] == [10, 10, 10]
    assert sorted(i["n"] for p in pages for i in p) == list(range(30))
    query_cursor = backend.repo.list_in(backend.org, PageRequest(limit=2)).next_cursor
    with pytest.raises(ValidationFailed):
        backend.repo.browse(backend.org, PageRequest(limit=2, cursor=query_cursor))
