"""Roll-ups on the fakes: the consumer marks hours dirty, the beat's run computes hours from
the feed and days from hours, a redelivery or a recompute leaves the same values, and the
dashboard reads series and totals over a validated window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domains.analytics.dashboard import AnalyticsDashboardSelector
from domains.analytics.metrics import MetricRegistry
from domains.analytics.rollups import DAY, HOUR, dashboard_window, period_key
from domains.analytics.services.feed import ActivityFeedService
from domains.analytics.services.rollups import RollupService
from domains.shared.errors import Forbidden, ValidationFailed
from domains.shared.events import DomainEvent
from domains.shared.ids import new_id
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import API_KEY_ROLE, Principal, TenantContext
from tests.fakes.analytics import InMemoryActivityFeed
from tests.fakes.rollups import InMemoryDirtyPeriods, InMemoryRollupStore, event_at

ORG, OTHER = new_id(), new_id()
ADA, BOB = new_id(), new_id()
T10 = datetime(2026, 3, 1, 10, tzinfo=UTC)


class Rig:
    def __init__(self) -> None:
        self.feed = InMemoryActivityFeed()
        self.store = InMemoryRollupStore()
        self.dirty = InMemoryDirtyPeriods()
        metrics = MetricRegistry()
        self.rollups = RollupService(
            feed=self.feed,
            store=self.store,
            dirty=self.dirty,
            metrics=metrics,
            organisations=self.feed,
        )
        self.recorder = ActivityFeedService(feed=self.feed)
        self.dashboard = AnalyticsDashboardSelector(store=self.store, metrics=metrics)

    def deliver(self, event: DomainEvent) -> None:
        """What dispatch does: the feed's consumer, then the roll-ups'."""
        self.recorder.record(event)
        self.rollups.mark(event)

    def values(self, metric: str, granularity: str, start: datetime, org: str = ORG) -> object:
        rollup = self.store.items.get((org, metric, granularity, period_key(start, granularity)))
        return None if rollup is None else rollup.measure.values


@pytest.fixture
def rig() -> Rig:
    return Rig()


def _event(name: str, at: datetime, actor: str = ADA, org: str = ORG) -> DomainEvent:
    return event_at(name, org_id=org, actor_id=actor, at=at, resource=("project", new_id()))


def _story(rig: Rig) -> list[DomainEvent]:
    events = [
        _event("WorkspaceCreated", T10 + timedelta(minutes=1)),
        _event("ProjectCreated", T10 + timedelta(minutes=59, seconds=59)),
        _event("MemberAdded", T10 + timedelta(hours=1), BOB),
        _event("ProjectCreated", T10 + timedelta(hours=1, minutes=5), BOB, OTHER),
    ]
    for event in events:
        rig.deliver(event)
    return events


def test_marks_are_hours_and_a_run_rolls_them_up(rig):  # type: ignore[no-untyped-def]
    _story(rig)
    assert len(rig.dirty.marks) == 3  # (ORG, 10h), (ORG, 11h), (OTHER, 11h)
    report = rig.rollups.roll_up_dirty()
    assert (report.hours, report.days, report.cleared) == (3, 2, 3)
    assert rig.dirty.marks == {}
    assert rig.values("active_users", HOUR, T10) == {"count": 1}
    assert rig.values("events_by_type", HOUR, T10) == {"ProjectCreated": 1, "WorkspaceCreated": 1}
    eleven = T10 + timedelta(hours=1)
    assert rig.values("projects", HOUR, eleven)["member_changes"] == 1  # type: ignore[index]
    assert rig.values("active_users", DAY, T10) == {"count": 2}
    assert rig.values("projects", DAY, T10) == {
        "member_changes": 1,
        "projects_created": 1,
        "workspaces_created": 1,
    }
    assert rig.values("projects", DAY, T10, org=OTHER)["projects_created"] == 1  # type: ignore[index]


def test_redelivery_and_recompute_leave_the_same_values(rig):  # type: ignore[no-untyped-def]
    events = _story(rig)
    rig.rollups.roll_up_dirty()
    before = dict(rig.store.items)
    rig.deliver(events[1])  # delivered again: no new entry, its hour due again
    assert len(rig.dirty.marks) == 1
    rig.rollups.roll_up_dirty()
    assert rig.store.items == before
    report = rig.rollups.recompute(
        org_id=ORG, start=T10 - timedelta(hours=10), end=T10 + timedelta(days=1)
    )
    assert (report.hours, report.days) == (2, 1)
    assert rig.store.items == before


def test_a_late_event_re_dirties_its_hour_and_its_day(rig):  # type: ignore[no-untyped-def]
    _story(rig)
    rig.rollups.roll_up_dirty()
    rig.deliver(_event("ProjectCreated", T10 + timedelta(minutes=30), BOB))
    assert [m.hour for m in rig.dirty.marks.values()] == [T10]
    rig.rollups.roll_up_dirty()
    assert rig.values("active_users", HOUR, T10) == {"count": 2}
    assert rig.values("projects", DAY, T10)["projects_created"] == 2  # type: ignore[index]


def test_a_mark_set_again_while_computing_stays_due(rig):  # type: ignore[no-untyped-def]
    rig.deliver(_event("ProjectCreated", T10))
    (mark,) = rig.dirty.pending(limit=10)
    rig.deliver(_event("ProjectCreated", T10 + timedelta(minutes=2)))
    assert rig.dirty.clear(mark) is False
    assert len(rig.dirty.pending(limit=10)) == 1


def test_events_of_no_organisation_mark_nothing(rig):  # type: ignore[no-untyped-def]
    event = DomainEvent("UserSignedUp", None, ADA, "user", ADA, T10)
    rig.deliver(event)
    assert rig.dirty.marks == {} and rig.rollups.roll_up_dirty().hours == 0


def test_recompute_finds_organisations_and_writes_only_active_hours(rig):  # type: ignore[no-untyped-def]
    for event in _story(rig):
        rig.recorder.record(event)  # in the feed, never marked (before roll-ups existed)
    window = {"start": T10, "end": T10 + timedelta(hours=2)}
    assert rig.rollups.organisations(**window) == {ORG, OTHER}
    assert (
        rig.rollups.organisations(start=T10 + timedelta(hours=2), end=T10 + timedelta(hours=3))
        == set()
    )
    rig.rollups.recompute(org_id=ORG, granularities=(HOUR,), **window)
    assert rig.values("active_users", HOUR, T10) == {"count": 1}
    assert rig.values("active_users", DAY, T10) is None
    rig.rollups.recompute(org_id=ORG, granularities=(DAY,), **window)
    assert rig.values("active_users", DAY, T10) == {"count": 2}
    assert len(rig.store.items) == 6 * 3  # 6 metrics x (2 hours + 1 day)


def _viewer(org: str = ORG) -> TenantContext:
    return TenantContext(org, Principal(ADA), "viewer", permissions_for("viewer"))


def test_the_dashboard_answers_every_period_and_totals(rig):  # type: ignore[no-untyped-def]
    _story(rig)
    rig.rollups.roll_up_dirty()
    window = dashboard_window(
        start=T10 - timedelta(hours=1),
        end=T10 + timedelta(hours=1, minutes=30),
        granularity=HOUR,
        now=T10,
    )
    found = rig.dashboard.dashboard(ctx=_viewer(), window=window)
    active, by_type, projects, adoption, completion, errors = found
    assert [start for start, _ in active.series] == [
        T10 - timedelta(hours=1),
        T10,
        T10 + timedelta(hours=1),
    ]
    assert [m.values["count"] for _, m in active.series] == [0, 1, 1]
    assert active.total.values == {"count": 2}  # Ada and Bob, each counted once
    assert by_type.total.values == {"MemberAdded": 1, "ProjectCreated": 1, "WorkspaceCreated": 1}
    assert projects.series[0][1].values["projects_created"] == 0
    assert adoption.total.values == {"joined": 0, "adopted": 0, "share": 0}
    assert completion.total.values["ended"] == 0 and errors.total.values["failures"] == 0
    other = rig.dashboard.dashboard(ctx=_viewer(OTHER), window=window)
    assert other[0].total.values == {"count": 1}


def test_the_dashboard_needs_analytics_read(rig):  # type: ignore[no-untyped-def]
    key = TenantContext(
        ORG, Principal(ADA, api_key_id=new_id()), API_KEY_ROLE, frozenset({"org:read"})
    )
    window = dashboard_window(start=None, end=None, granularity=DAY, now=T10)
    with pytest.raises(Forbidden):
        rig.dashboard.dashboard(ctx=key, window=window)


def test_windows_default_floor_and_refuse_bad_ranges():  # type: ignore[no-untyped-def]
    day = dashboard_window(start=None, end=None, granularity=DAY, now=T10 + timedelta(minutes=5))
    assert (day.first, day.last, len(day.periods)) == (
        T10.replace(hour=0) - timedelta(days=29),
        T10.replace(hour=0),
        30,
    )
    hours = dashboard_window(
        start=T10.replace(tzinfo=None), end=T10 + timedelta(minutes=59), granularity=HOUR, now=T10
    )
    assert hours.periods == [T10]
    bad = [
        {"start": T10, "end": T10, "granularity": "week"},
        {"start": T10 + timedelta(hours=1), "end": T10, "granularity": HOUR},
        {"start": T10, "end": T10 + timedelta(days=31), "granularity": HOUR},
        {"start": T10, "end": T10 + timedelta(days=400), "granularity": DAY},
    ]
    for args in bad:
        with pytest.raises(ValidationFailed):
            dashboard_window(now=T10, **args)  # type: ignore[arg-type]
    assert (
        len(
            dashboard_window(
                start=T10, end=T10 + timedelta(days=399), granularity=DAY, now=T10
            ).periods
        )
        == 400
    )
