"""Workspaces in `workspaces`, beside the organisation's counts item (`STATS`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.projects.keys import (
    org_stats_key,
    workspace_activity_keys,
    workspace_key,
)
from adapters.dynamodb.staged import StagedRepository
from domains.projects.model import Workspace
from domains.shared.clock import isoformat
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

STALE = PreconditionFailed("the workspace changed since it was read")


class DynamoWorkspaceRepository(StagedRepository[Workspace]):
    table = "workspaces"

    def to_item(self, entity: Workspace) -> dict[str, Any]:
        return {
            **workspace_key(entity.org_id, entity.id),
            **workspace_activity_keys(
                entity.org_id, entity.status, entity.last_activity_at, entity.id
            ),
            "org_id": entity.org_id,
            "id": entity.id,
            "name": entity.name,
            "description": entity.description,
            "status": entity.status,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
            "updated_at": entity.updated_at,
            "last_activity_at": entity.last_activity_at,
        }

    def from_item(self, item: dict[str, Any]) -> Workspace:
        return Workspace(
            org_id=item["org_id"],
            id=item["id"],
            name=item["name"],
            created_by=item["created_by"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            last_activity_at=item["last_activity_at"],
            description=item.get("description", ""),
            status=item["status"],
            project_count=item.get("project_count", 0),
            member_count=item.get("member_count", 0),
            version=item.get("version", 0),
        )

    def get(self, org_id: str, workspace_id: str) -> Workspace | None:
        return self._get(workspace_key(org_id, workspace_id))

    def get_many(self, org_id: str, workspace_ids: list[str]) -> list[Workspace]:
        return self._batch_get([workspace_key(org_id, i) for i in workspace_ids])

    def list_org(self, org_id: str, *, status: str, page: PageRequest) -> Page[Workspace]:
        partition = f"ORG#{org_id}#STATUS#{status}"
        return self._query_page(
            Key("gsi1pk").eq(partition), index="gsi1", page=page, scan_forward=False
        )

    def add(self, workspace: Workspace) -> None:
        item = {
            **self.to_item(workspace),
            "project_count": workspace.project_count,
            "member_count": workspace.member_count,
        }
        self._stage_insert(item, on_condition=Conflict("workspace exists"))
        self._count_org(workspace.org_id, workspaces=+1)

    def save(self, workspace: Workspace) -> None:
        # An update, not a put: the counters are kept by ADD and must survive.
        changes = {k: v for k, v in self.to_item(workspace).items() if k not in ("pk", "sk")}
        self._stage_update(
            workspace_key(workspace.org_id, workspace.id),
            set=changes,
            version=workspace.version,
            on_condition=STALE,
        )

    def remove(self, workspace: Workspace) -> None:
        empty = Attr("project_count").not_exists() | Attr("project_count").eq(0)
        condition = Attr("version").eq(workspace.version) & empty
        key = workspace_key(workspace.org_id, workspace.id)
        self._uow.stage(
            lambda tx: tx.delete(self.table, key, condition=condition),
            on_condition=Conflict("the workspace changed or got a project since it was read"),
        )
        self._count_org(workspace.org_id, workspaces=-1)

    def touch(self, org_id: str, workspace_id: str, at: datetime) -> None:
        self._stage_counts(org_id, workspace_id, at=at, add={})

    def count_projects(
        self, org_id: str, workspace_id: str, delta: int, *, at: datetime, org_total: bool = True
    ) -> None:
        self._stage_counts(
            org_id, workspace_id, at=at, add={"project_count": delta}, arriving=delta > 0
        )
        if org_total:
            self._count_org(org_id, projects=delta)

    def _stage_counts(
        self,
        org_id: str,
        workspace_id: str,
        *,
        at: datetime,
        add: dict[str, int],
        arriving: bool = False,
    ) -> None:
        """ADD to the workspace's counters and move its last activity (its gsi1 sort key);
        the version stays: neither is an edit of the workspace. A project `arriving` needs
        the workspace active at commit, so an archive racing it cannot be slipped past."""
        key = workspace_key(org_id, workspace_id)
        changes = {"last_activity_at": at, "gsi1sk": f"{isoformat(at)}#{workspace_id}"}
        condition: ConditionBase = Attr("pk").exists()
        if arriving:
            condition = condition & Attr("status").eq("active")
        self._uow.stage(
            lambda tx: tx.update(self.table, key, set=changes, add=add, condition=condition),
            on_condition=Conflict("the workspace is gone or archived"),
        )

    def _count_org(self, org_id: str, *, workspaces: int = 0, projects: int = 0) -> None:
        amounts = {"workspace_count": workspaces, "project_count": projects}
        add = {name: amount for name, amount in amounts.items() if amount}
        self._uow.stage(lambda tx: tx.update(self.table, org_stats_key(org_id), add=add))
