"""The roll-up ports' two backends: in-memory fakes and the DynamoDB adapters over moto
in-process (`aggregated-analytics`, and `activity-feed` for the feed's time windows)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.dynamodb.analytics.feed import DynamoActivityFeedRepository
from adapters.dynamodb.analytics.jobs import DynamoActiveOrganisations
from adapters.dynamodb.analytics.rollups import DynamoDirtyPeriods, DynamoRollupStore
from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from domains.analytics.model import entry_from
from domains.analytics.rollups import DAY, HOUR, Measure, Rollup
from domains.shared.ids import new_id
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.analytics import InMemoryActivityFeed
from tests.fakes.rollups import InMemoryDirtyPeriods, InMemoryRollupStore, event_at

TABLES = (table_def("aggregated-analytics"), table_def("activity-feed"))
ORG, OTHER = new_id(), new_id()
T10 = datetime(2026, 3, 1, 10, tzinfo=UTC)
DAY1 = T10.replace(hour=0)


@pytest.fixture(scope="module")
def moto_rollups() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="rollups") as made:
        yield made


@pytest.fixture(params=["memory", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Any:
    if request.param == "memory":
        feed = InMemoryActivityFeed()
        return InMemoryRollupStore(), InMemoryDirtyPeriods(), feed, feed
    boto, client = request.getfixturevalue("moto_rollups")
    empty_tables(boto, client, TABLES)
    feed = DynamoActivityFeedRepository(client, cursors=CursorSigner(b"rollups-contract-secret-01"))
    return (
        DynamoRollupStore(client),
        DynamoDirtyPeriods(client),
        feed,
        DynamoActiveOrganisations(client),
    )


def _rollup(start: datetime, count: int, granularity: str = HOUR, org: str = ORG) -> Rollup:
    measure = Measure({"count": count, "rate": 0.25}, frozenset({f"u{count}", "apikey:k"}))
    return Rollup(org, "active_users", granularity, start, measure)


def test_a_put_replaces_the_period_and_a_window_reads_oldest_first(backend):  # type: ignore[no-untyped-def]
    store, *_ = backend
    for hour in range(5):
        store.put(_rollup(T10 + timedelta(hours=hour), hour + 1))
    store.put(_rollup(T10 + timedelta(hours=1), 7))  # recomputed: replaced, not added
    store.put(_rollup(DAY1, 9, DAY))
    store.put(_rollup(T10, 9, org=OTHER))
    found = store.window(
        ORG, "active_users", HOUR, T10 + timedelta(hours=1), T10 + timedelta(hours=3)
    )
    assert [(r.start, r.measure.values["count"]) for r in found] == [
        (T10 + timedelta(hours=1), 7),
        (T10 + timedelta(hours=2), 3),
        (T10 + timedelta(hours=3), 4),
    ]
    assert found[0] == _rollup(T10 + timedelta(hours=1), 7)  # numbers, ints and ids round-trip
    assert store.window(ORG, "active_users", DAY, DAY1, DAY1) == [_rollup(DAY1, 9, DAY)]
    assert store.window(ORG, "projects", HOUR, T10, T10 + timedelta(days=1)) == []


def test_an_empty_measure_round_trips(backend):  # type: ignore[no-untyped-def]
    store, *_ = backend
    empty = Rollup(ORG, "events_by_type", HOUR, T10, Measure({}))
    store.put(empty)
    assert store.window(ORG, "events_by_type", HOUR, T10, T10) == [empty]


def test_marks_are_hours_oldest_first_and_clear_only_on_their_token(backend):  # type: ignore[no-untyped-def]
    _, dirty, *_ = backend
    dirty.mark(ORG, T10 + timedelta(hours=1))
    dirty.mark(OTHER, T10)
    dirty.mark(ORG, T10)
    dirty.mark(ORG, T10)  # marked twice: one mark
    marks = dirty.pending(limit=10)
    assert [(m.org_id, m.hour) for m in marks] == sorted(
        [(ORG, T10), (OTHER, T10), (ORG, T10 + timedelta(hours=1))], key=lambda x: (x[1], x[0])
    )
    assert [m.hour for m in dirty.pending(limit=1)] == [T10]
    stale = marks[0]
    dirty.mark(stale.org_id, stale.hour)  # re-marked while being computed
    assert dirty.clear(stale) is False
    assert all(dirty.clear(m) for m in dirty.pending(limit=10))
    assert dirty.pending(limit=10) == [] and dirty.clear(stale) is False


def test_the_feed_reads_a_window_by_the_time_in_its_ids(backend):  # type: ignore[no-untyped-def]
    _, _, feed, orgs = backend
    times = [T10 - timedelta(milliseconds=1), T10, T10 + timedelta(minutes=59, seconds=59.999)]
    times += [T10 + timedelta(hours=1)]
    for org in (ORG, OTHER):
        for moment in times:
            event = event_at(
                "ProjectCreated",
                org_id=org,
                actor_id=new_id(),
                at=moment,
                resource=("project", new_id()),
            )
            entry = entry_from(event)
            assert entry is not None and feed.add(entry)
    inside = list(feed.entries_between(ORG, T10, T10 + timedelta(hours=1)))
    assert len(inside) == 2 and all(e.org_id == ORG for e in inside)
    assert [e.id for e in inside] == sorted(e.id for e in inside)
    assert orgs.orgs_between(T10, T10 + timedelta(hours=1)) == {ORG, OTHER}
    assert orgs.orgs_between(T10 + timedelta(hours=2), T10 + timedelta(hours=3)) == set()
