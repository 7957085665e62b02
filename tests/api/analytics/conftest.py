"""Activity API fixtures: an organisation of people, an outsider, and the relay's part (every
outbox event handed to the feed's consumer, as the workers will)."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.dynamodb.codec import decode_item
from adapters.dynamodb.outbox import OUTBOX_TABLE, event_from
from domains.shared.ids import new_id
from nexus.container import container
from tests.api.members import add_member
from tests.fakes.analytics import domain_event


@pytest.fixture
def org(signup):  # type: ignore[no-untyped-def]
    """An owner, a member and a viewer of one organisation, all sending its header."""
    owner = signup("owner", org=True)
    people = {"owner": owner}
    for role in ("member", "viewer"):
        people[role] = signup(role)
        add_member(owner, people[role], role)
    for person in people.values():
        person.headers["X-Organization-Id"] = owner.org_id
    return people


@pytest.fixture
def outsider(signup):  # type: ignore[no-untyped-def]
    eve = signup("eve", org=True)
    eve.headers["X-Organization-Id"] = eve.org_id
    return eve


def relay_outbox() -> list[Any]:
    """Every event in the outbox, oldest first, recorded in the feed: the events."""
    items = container().gateways.dynamo().scan(OUTBOX_TABLE)["Items"]
    outbox = sorted(
        (decode_item(i) for i in items if i["pk"]["S"].startswith("OUTBOX#")),
        key=lambda item: item["sk"],
    )
    events = [event_from(item) for item in outbox]
    for event in events:
        container().analytics.feed().record(event)
    return events


def record_update(caller, *, project_id: str | None = None, actor_id: str | None = None) -> Any:  # type: ignore[no-untyped-def]
    """A ProjectUpdated event in the caller's organisation (by them unless `actor_id`), recorded
    in the feed through its consumer: the event."""
    event = domain_event(
        "ProjectUpdated",
        org_id=caller.org_id,
        actor_id=actor_id or caller.user_id,
        resource=("project", project_id or new_id()),
    )
    assert container().analytics.feed().record(event) is True
    return event
