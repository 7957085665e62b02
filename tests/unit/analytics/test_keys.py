"""The feed's item keys, as deploy/tables/analytics.json documents them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from adapters.dynamodb.analytics.feed import DynamoActivityFeedRepository
from adapters.dynamodb.cursor import CursorSigner
from domains.analytics.model import ActivityEntry

AT = datetime(2026, 1, 1, tzinfo=UTC)


# to_item / from_item are pure: no client is called
REPOSITORY = DynamoActivityFeedRepository(cast(Any, None), cursors=CursorSigner(b"k" * 16))


def _item(entry: ActivityEntry) -> dict[str, Any]:
    return REPOSITORY.to_item(entry)


def test_an_entry_in_a_project_is_keyed_under_the_project() -> None:
    entry = ActivityEntry(
        "O1", "E1", "MemberAdded", "added", "U1", "project_member", "P1:U2", AT, "s", "P1"
    )
    item = _item(entry)
    assert {k: v for k, v in item.items() if "pk" in k or "sk" in k} == {
        "pk": "ORG#O1#FEED",
        "sk": "E1",
        "gsi1pk": "ORG#O1#USER#U1",
        "gsi1sk": "E1",
        "gsi2pk": "ORG#O1#RES#project#P1",
        "gsi2sk": "E1",
    }
    assert item["occurred_at"] == AT and item["resource_id"] == "P1:U2"


def test_an_entry_in_no_project_is_keyed_under_its_resource() -> None:
    entry = ActivityEntry(
        "O1", "E2", "WorkspaceCreated", "created", "apikey:K1", "workspace", "W1", AT, "s"
    )
    item = _item(entry)
    assert item["gsi1pk"] == "ORG#O1#USER#apikey:K1"
    assert item["gsi2pk"] == "ORG#O1#RES#workspace#W1"
    assert REPOSITORY.from_item(item) == entry
