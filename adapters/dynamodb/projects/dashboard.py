"""The dashboard in five DynamoDB calls whatever the number of projects.

1-4. Four Queries of one page each: my workspace and project memberships by recent activity
     (gsi1 of each membership table) and my pinned ones (their sparse gsi2).
5.   One BatchGetItem across four tables for everything those name: the workspaces and
     projects (at most 4 x limit keys), the organisation's counts item and my two count
     items. With the default limit of 10 that is at most 43 of its 100 keys; a limit past
     24 may name more than 100 keys, which take one BatchGetItem more per 100.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import decode_item, encode_item
from adapters.dynamodb.projects.keys import (
    org_stats_key,
    project_key,
    user_stats_key,
    workspace_key,
)
from adapters.dynamodb.projects.uow import DynamoProjectsUnitOfWork
from adapters.dynamodb.reading import BATCH_GET_LIMIT, batch_get_tables
from domains.projects.model import Counts, Dashboard, Member
from domains.shared.pagination import PageRequest

Wire = dict[str, Any]


class DynamoDashboardReader:
    def __init__(
        self, uow: Callable[[], DynamoProjectsUnitOfWork], *, sleep: Callable[[float], None]
    ) -> None:
        self._uow = uow
        self._sleep = sleep

    def load(self, org_id: str, user_id: str, *, limit: int) -> Dashboard:
        page = PageRequest(limit)
        with self._uow() as uow:
            ws_recent = uow.workspace_members.list_for_user(org_id, user_id, page).items
            pr_recent = uow.project_members.list_for_user(org_id, user_id, page).items
            ws_pinned = uow.workspace_members.list_pinned(org_id, user_id, page).items
            pr_pinned = uow.project_members.list_pinned(org_id, user_id, page).items
            ws_ids = list(dict.fromkeys(m.resource_id for m in [*ws_recent, *ws_pinned]))
            pr_ids = list(dict.fromkeys(m.resource_id for m in [*pr_recent, *pr_pinned]))
            org_stats = encode_item(org_stats_key(org_id))
            my_stats = encode_item(user_stats_key(org_id, user_id))
            found = _batch_get(
                uow.client,
                {
                    "workspaces": [
                        org_stats,
                        *(encode_item(workspace_key(org_id, i)) for i in ws_ids),
                    ],
                    "projects": [encode_item(project_key(org_id, i)) for i in pr_ids],
                    "workspace-memberships": [my_stats],
                    "project-memberships": [my_stats],
                },
                sleep=self._sleep,
            )
            workspaces = _entities(uow.workspaces.entity, found["workspaces"])
            projects = _entities(uow.projects.entity, found["projects"])
        counts = _counts(found)

        def pair(members: Any, entities: dict[str, Any]) -> list[tuple[Any, Member]]:
            return [(entities[m.resource_id], m) for m in members if m.resource_id in entities]

        return Dashboard(
            recent_workspaces=pair(ws_recent, workspaces),
            recent_projects=pair(pr_recent, projects),
            pinned_workspaces=pair(ws_pinned, workspaces),
            pinned_projects=pair(pr_pinned, projects),
            counts=counts,
        )


def _batch_get(
    client: DynamoClient, keys: dict[str, list[Wire]], *, sleep: Callable[[float], None]
) -> dict[str, list[Wire]]:
    """BatchGetItem over several tables, in calls of at most 100 keys (its limit)."""
    pairs = [(table, key) for table, wanted in keys.items() for key in wanted]
    found: dict[str, list[Wire]] = {table: [] for table in keys}
    for start in range(0, len(pairs), BATCH_GET_LIMIT):
        chunk: dict[str, list[Wire]] = {}
        for table, key in pairs[start : start + BATCH_GET_LIMIT]:
            chunk.setdefault(table, []).append(key)
        for table, items in batch_get_tables(client, chunk, sleep=sleep).items():
            found[table] += items
    return found


def _entities(decode: Callable[[Wire], Any], items: list[Wire]) -> dict[str, Any]:
    entities = (decode(item) for item in items if item["sk"]["S"] != "STATS")
    return {e.id: e for e in entities if e is not None}


def _stat(items: list[Wire], name: str) -> int:
    for item in items:
        if item["sk"]["S"] == "STATS":
            return int(decode_item(item).get(name, 0))
    return 0


def _counts(found: dict[str, list[Wire]]) -> Counts:
    return Counts(
        workspaces=_stat(found["workspaces"], "workspace_count"),
        projects=_stat(found["workspaces"], "project_count"),
        my_workspaces=_stat(found["workspace-memberships"], "count"),
        my_projects=_stat(found["project-memberships"], "count"),
    )
