"""Recording the feed from events (idempotent by event id) and reading it by each filter."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domains.analytics.model import FeedFilter
from domains.analytics.selectors import ActivityFeedSelector
from domains.analytics.services.feed import ActivityFeedService
from domains.shared.errors import Forbidden, ValidationFailed
from domains.shared.events import DomainEvent
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import API_KEY_ROLE, Principal, TenantContext
from tests.fakes.analytics import InMemoryActivityFeed, domain_event

ORG, OTHER_ORG = new_id(), new_id()
ADA, BOB = new_id(), new_id()
P1, P2, WS = new_id(), new_id(), new_id()
START = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def feed() -> InMemoryActivityFeed:
    return InMemoryActivityFeed()


@pytest.fixture
def service(feed: InMemoryActivityFeed) -> ActivityFeedService:
    return ActivityFeedService(feed=feed)


@pytest.fixture
def selector(feed: InMemoryActivityFeed) -> ActivityFeedSelector:
    return ActivityFeedSelector(feed=feed)


def viewer(org: str = ORG) -> TenantContext:
    return TenantContext(org, Principal(ADA), "viewer", permissions_for("viewer"))


def _story(service: ActivityFeedService) -> list[DomainEvent]:
    """Ada makes a workspace and two projects, Bob joins P1: the events, oldest first."""
    events = [
        domain_event("WorkspaceCreated", org_id=ORG, actor_id=ADA, resource=("workspace", WS)),
        domain_event(
            "ProjectCreated", org_id=ORG, actor_id=ADA, resource=("project", P1), workspace_id=WS
        ),
        domain_event(
            "ProjectCreated", org_id=ORG, actor_id=ADA, resource=("project", P2), workspace_id=WS
        ),
        domain_event(
            "MemberAdded",
            org_id=ORG,
            actor_id=BOB,
            resource=("project_member", f"{P1}:{BOB}"),
            project_id=P1,
            user_id=BOB,
            role="viewer",
        ),
        domain_event(
            "ProjectArchived", org_id=ORG, actor_id=BOB, resource=("project", P1), workspace_id=WS
        ),
    ]
    for n, event in enumerate(events):
        assert service.record(replace(event, at=START + timedelta(seconds=n)))
    return events


def _ids(
    selector: ActivityFeedSelector, wanted: FeedFilter, ctx: TenantContext | None = None
) -> list[str]:
    page = selector.feed(ctx=ctx or viewer(), filter=wanted, page=PageRequest(100))
    return [e.id for e in page.items]


def test_a_redelivered_event_is_recorded_once(service, feed):  # type: ignore[no-untyped-def]
    event = domain_event("ProjectCreated", org_id=ORG, actor_id=ADA, resource=("project", P1))
    assert service.record(event) is True
    assert service.record(event) is False
    assert service.record(replace(event, name="ProjectDeleted")) is False
    assert [e.type for e in feed.entries.values()] == ["ProjectCreated"]
    assert feed.writes == 3


def test_events_of_no_organisation_are_ignored(service, feed):  # type: ignore[no-untyped-def]
    event = domain_event("UserRegistered", org_id=None, actor_id=ADA, resource=("user", ADA))
    assert service.record(event) is False
    assert feed.entries == {} and feed.writes == 0


def test_the_organisations_feed_is_newest_first(service, selector):  # type: ignore[no-untyped-def]
    events = _story(service)
    assert _ids(selector, FeedFilter()) == [e.id for e in reversed(events)]


def test_a_users_feed_is_what_they_did(service, selector):  # type: ignore[no-untyped-def]
    events = _story(service)
    assert _ids(selector, FeedFilter(actor_id=BOB)) == [events[4].id, events[3].id]
    assert _ids(selector, FeedFilter(actor_id=ADA)) == [e.id for e in reversed(events[:3])]


def test_a_projects_feed_holds_the_project_and_its_members(service, selector):  # type: ignore[no-untyped-def]
    events = _story(service)
    assert _ids(selector, FeedFilter(project_id=P1)) == [events[4].id, events[3].id, events[1].id]
    assert _ids(selector, FeedFilter(project_id=P2)) == [events[2].id]


def test_a_resources_feed_alone_or_within_its_project(service, selector):  # type: ignore[no-untyped-def]
    events = _story(service)
    assert _ids(selector, FeedFilter(resource=("workspace", WS))) == [events[0].id]
    member = ("project_member", f"{P1}:{BOB}")
    assert _ids(selector, FeedFilter(project_id=P1, resource=member)) == [events[3].id]
    assert _ids(selector, FeedFilter(project_id=P1, resource=("project", P1))) == [
        events[4].id,
        events[1].id,
    ]


def test_another_organisation_sees_none_of_it(service, selector):  # type: ignore[no-untyped-def]
    _story(service)
    theirs = viewer(OTHER_ORG)
    for wanted in (FeedFilter(), FeedFilter(actor_id=ADA), FeedFilter(project_id=P1)):
        assert _ids(selector, wanted, theirs) == []


def test_pages_follow_the_cursor_to_the_end(service, selector):  # type: ignore[no-untyped-def]
    events = [
        domain_event("ProjectUpdated", org_id=ORG, actor_id=ADA, resource=("project", P1))
        for _ in range(7)
    ]
    for event in events:
        service.record(event)
    seen, cursor = [], None
    for _ in range(3):
        page = selector.feed(ctx=viewer(), filter=FeedFilter(), page=PageRequest(3, cursor))
        seen += [e.id for e in page.items]
        cursor = page.next_cursor
    assert seen == [e.id for e in reversed(events)] and cursor is None
    first = selector.feed(ctx=viewer(), filter=FeedFilter(), page=PageRequest(3))
    with pytest.raises(ValidationFailed):  # a cursor belongs to its own list
        selector.feed(
            ctx=viewer(), filter=FeedFilter(actor_id=ADA), page=PageRequest(3, first.next_cursor)
        )


def test_reading_needs_analytics_read(service, selector):  # type: ignore[no-untyped-def]
    _story(service)
    key = TenantContext(
        ORG, Principal(ADA, api_key_id=new_id()), API_KEY_ROLE, frozenset({"org:read"})
    )
    with pytest.raises(Forbidden):
        selector.feed(ctx=key, filter=FeedFilter(), page=PageRequest())
    reader = TenantContext(ORG, key.principal, API_KEY_ROLE, frozenset({"analytics:read"}))
    assert len(_ids(selector, FeedFilter(), reader)) == 5
