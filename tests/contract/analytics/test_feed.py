"""The activity feed port, held to the same behaviour on the fake and on DynamoDB: writes once
per event id, each list newest first within its organisation, cursors past one page."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import cast

import pytest

from domains.analytics.model import ActivityEntry
from domains.analytics.ports import ActivityFeedRepository
from domains.analytics.rollup_ports import ActivityWindow
from domains.analytics.rollups import entry_time
from domains.shared.errors import ValidationFailed
from domains.shared.ids import new_id
from domains.shared.pagination import Page, PageRequest

ORG, OTHER_ORG = new_id(), new_id()
ADA, BOB = new_id(), new_id()
P1, WS = new_id(), new_id()
START = datetime(2026, 5, 1, 12, tzinfo=UTC)


def entry(
    n: int,
    *,
    org: str = ORG,
    actor: str = ADA,
    resource: tuple[str, str] = ("project", P1),
    project: str | None = P1,
    workspace: str | None = WS,
) -> ActivityEntry:
    return ActivityEntry(
        org_id=org,
        id=new_id(),
        type="ProjectUpdated",
        verb="updated",
        actor_id=actor,
        resource_type=resource[0],
        resource_id=resource[1],
        at=START + timedelta(milliseconds=n),
        summary=f"Project updated {n}",
        project_id=project,
        workspace_id=workspace,
    )


def _all(list_page, limit: int = 100) -> list[ActivityEntry]:  # type: ignore[no-untyped-def]
    """Every page of a list, following its cursors."""
    found, cursor = [], None
    while True:
        page: Page[ActivityEntry] = list_page(PageRequest(limit, cursor))
        found += list(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return found


def test_an_entry_is_written_once_and_reads_back_whole(feed: ActivityFeedRepository) -> None:
    first = entry(1)
    assert feed.add(first) is True
    assert feed.add(first) is False
    assert feed.add(replace(first, summary="changed", actor_id=BOB)) is False
    assert list(feed.list_org(ORG, page=PageRequest()).items) == [first]
    plain = entry(2, resource=("workspace", WS), project=None, workspace=None)
    assert feed.add(plain) is True
    assert feed.list_org(ORG, page=PageRequest(1)).items == [plain]


def test_an_entrys_facts_read_back_and_none_is_none(feed: ActivityFeedRepository) -> None:
    facts = (("error", "OutOfMemory"), ("experiment_id", P1), ("status", "failed"))
    ended = replace(entry(1), type="RunFinished", facts=facts)
    plain = entry(2)
    assert feed.add(ended) is True and feed.add(plain) is True
    assert list(feed.list_org(ORG, page=PageRequest()).items) == [plain, ended]
    made = entry_time(ended)  # windows are of the ids' times
    reader = cast(ActivityWindow, feed)  # both backends serve the roll-ups' window as well
    window = list(reader.entries_between(ORG, made - timedelta(hours=1), made + timedelta(hours=1)))
    assert {e.id: e.facts for e in window} == {ended.id: facts, plain.id: ()}
    assert window[[e.id for e in window].index(ended.id)].fact("error") == "OutOfMemory"


def test_the_organisations_list_pages_newest_first(feed: ActivityFeedRepository) -> None:
    made = [entry(n) for n in range(7)]
    for e in made:
        feed.add(e)
    feed.add(entry(99, org=OTHER_ORG))
    newest = [e.id for e in reversed(made)]
    assert [e.id for e in _all(lambda p: feed.list_org(ORG, page=p), limit=3)] == newest
    # a page that ends exactly at the end has no cursor
    assert feed.list_org(ORG, page=PageRequest(7)).next_cursor is None
    assert feed.list_org(ORG, page=PageRequest(6)).next_cursor is not None


def test_an_actors_list(feed: ActivityFeedRepository) -> None:
    mine = [entry(n, actor=BOB) for n in range(4)]
    for n, e in enumerate(mine):
        feed.add(e)
        feed.add(entry(10 + n))
    feed.add(entry(50, org=OTHER_ORG, actor=BOB))
    found = _all(lambda p: feed.list_actor(ORG, BOB, page=p), limit=3)
    assert [e.id for e in found] == [e.id for e in reversed(mine)]
    assert feed.list_actor(ORG, new_id(), page=PageRequest()).items == []


def test_a_subjects_list_and_a_resource_within_it(feed: ActivityFeedRepository) -> None:
    member = ("project_member", f"{P1}:{BOB}")
    own = [entry(n) for n in range(3)]
    joined = entry(5, resource=member, workspace=None)
    elsewhere = entry(6, resource=("workspace", WS), project=None)
    for e in (*own, joined, elsewhere, entry(7, org=OTHER_ORG)):
        feed.add(e)
    project = _all(lambda p: feed.list_subject(ORG, ("project", P1), page=p), limit=2)
    assert [e.id for e in project] == [joined.id, *(e.id for e in reversed(own))]
    only_member = feed.list_subject(ORG, ("project", P1), page=PageRequest(), resource=member)
    assert only_member.items == [joined]
    only_project = _all(
        lambda p: feed.list_subject(ORG, ("project", P1), page=p, resource=("project", P1)),
        limit=2,
    )
    assert [e.id for e in only_project] == [e.id for e in reversed(own)]
    assert feed.list_subject(ORG, ("workspace", WS), page=PageRequest()).items == [elsewhere]
    # the member's entries live in the project's partition, not one of their own
    assert feed.list_subject(ORG, member, page=PageRequest()).items == []


def test_a_cursor_is_bound_to_its_list(feed: ActivityFeedRepository) -> None:
    for n in range(3):
        feed.add(entry(n))
    cursor = feed.list_org(ORG, page=PageRequest(1)).next_cursor
    assert cursor is not None
    with pytest.raises(ValidationFailed):
        feed.list_actor(ORG, ADA, page=PageRequest(1, cursor))
    with pytest.raises(ValidationFailed):
        feed.list_org(OTHER_ORG, page=PageRequest(1, cursor))
    with pytest.raises(ValidationFailed):
        feed.list_org(ORG, page=PageRequest(1, cursor[:-2] + "xx"))
