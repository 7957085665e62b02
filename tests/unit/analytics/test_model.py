"""Normalising events into feed entries, and the feed filters of the API's query."""

from __future__ import annotations

import pytest

from domains.analytics.model import FeedFilter, entry_from, feed_filter
from domains.shared.errors import ValidationFailed
from domains.shared.ids import new_id
from tests.fakes.analytics import domain_event

ORG, USER, PROJECT_ID, WS = new_id(), new_id(), new_id(), new_id()


def test_a_project_event_becomes_an_entry_of_its_project_and_workspace() -> None:
    event = domain_event(
        "ProjectCreated",
        org_id=ORG,
        actor_id=USER,
        resource=("project", PROJECT_ID),
        workspace_id=WS,
        name="Churn",
    )
    entry = entry_from(event)
    assert entry is not None
    assert (entry.id, entry.org_id, entry.actor_id, entry.at) == (event.id, ORG, USER, event.at)
    assert (entry.type, entry.verb, entry.summary) == (
        "ProjectCreated",
        "created",
        "Project created: Churn",
    )
    assert (entry.resource_type, entry.resource_id) == ("project", PROJECT_ID)
    assert (entry.project_id, entry.workspace_id) == (PROJECT_ID, WS)
    assert entry.subject == ("project", PROJECT_ID)


def test_a_member_of_a_project_belongs_to_the_projects_feed() -> None:
    event = domain_event(
        "MemberRoleChanged",
        org_id=ORG,
        actor_id=USER,
        resource=("project_member", f"{PROJECT_ID}:{USER}"),
        project_id=PROJECT_ID,
        user_id=USER,
        role="editor",
    )
    entry = entry_from(event)
    assert entry is not None
    assert (entry.verb, entry.summary) == ("changed", "Member role changed as editor")
    assert (entry.project_id, entry.workspace_id) == (PROJECT_ID, None)
    assert entry.subject == ("project", PROJECT_ID)


def test_an_event_naming_no_project_is_its_resources_own() -> None:
    entry = entry_from(
        domain_event("WorkspaceArchived", org_id=ORG, actor_id=USER, resource=("workspace", WS))
    )
    assert entry is not None
    assert (entry.project_id, entry.workspace_id) == (None, WS)
    assert entry.subject == ("workspace", WS)
    assert entry.summary == "Workspace archived"


def test_platform_events_have_no_feed() -> None:
    assert (
        entry_from(
            domain_event("UserRegistered", org_id=None, actor_id=USER, resource=("user", USER))
        )
        is None
    )


def test_summaries_are_short_and_odd_data_is_ignored() -> None:
    long = domain_event(
        "ProjectRenamed",
        org_id=ORG,
        actor_id=USER,
        resource=("project", PROJECT_ID),
        name="x" * 500,
    )
    entry = entry_from(long)
    assert entry is not None and len(entry.summary) == 200 and entry.summary.endswith("…")
    odd = domain_event(
        "thing_happened", org_id=ORG, actor_id=USER, resource=("thing", "t1"), name=7, project_id=3
    )
    entry = entry_from(odd)
    assert entry is not None
    assert (entry.verb, entry.summary, entry.project_id) == ("happened", "Thing happened", None)


def test_filters_of_the_query() -> None:
    assert feed_filter() == FeedFilter()
    assert feed_filter(user=USER) == FeedFilter(actor_id=USER)
    key = f"apikey:{new_id()}"
    assert feed_filter(user=key) == FeedFilter(actor_id=key)
    assert feed_filter(project=PROJECT_ID) == FeedFilter(project_id=PROJECT_ID)
    # a project named as a resource is the project's feed
    assert feed_filter(resource_type="project", resource_id=PROJECT_ID) == FeedFilter(
        project_id=PROJECT_ID
    )
    assert feed_filter(resource_type="workspace", resource_id=WS) == FeedFilter(
        resource=("workspace", WS)
    )
    member = ("project_member", f"{PROJECT_ID}:{USER}")
    assert feed_filter(
        project=PROJECT_ID, resource_type=member[0], resource_id=member[1]
    ) == FeedFilter(project_id=PROJECT_ID, resource=member)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"user": "someone"}, "user"),
        ({"user": "apikey:nope"}, "user"),
        ({"user": USER, "project": PROJECT_ID}, "user"),
        ({"user": USER, "resource_type": "workspace", "resource_id": WS}, "user"),
        ({"resource_type": "workspace"}, "resource_id"),
        ({"resource_id": WS}, "resource_type"),
        ({"resource_type": "Work Space", "resource_id": WS}, "resource_type"),
        ({"resource_type": "workspace", "resource_id": "a/b"}, "resource_id"),
        ({"resource_type": "project", "resource_id": "not-an-id"}, "resource_id"),
        ({"project": "not-an-id"}, "project"),
        ({"project": PROJECT_ID, "resource_type": "project", "resource_id": new_id()}, "project"),
    ],
)
def test_bad_combinations_and_values_are_refused_by_field(
    params: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        feed_filter(**params)
    assert refused.value.errors[0]["loc"] == ["query", field]
