"""Projects in `projects`: by id, and a workspace's by last update (with a status index)."""

from __future__ import annotations

import json
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.projects.keys import (
    project_index_keys,
    project_key,
    workspace_projects_partition,
)
from adapters.dynamodb.staged import StagedRepository
from domains.projects.model import Project
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

STALE = PreconditionFailed("the project changed since it was read")


def _settings(stored: Any) -> dict[str, Any]:
    """Settings are the client's JSON document, kept as JSON text: as a map the codec would
    give 0.1 back as Decimal and an ISO string under a key ending in `_at` as a datetime.
    (A map is still read, as items written before were.)"""
    if isinstance(stored, str):
        return dict(json.loads(stored))
    return dict(stored or {})


class DynamoProjectRepository(StagedRepository[Project]):
    table = "projects"

    def to_item(self, entity: Project) -> dict[str, Any]:
        return {
            **project_key(entity.org_id, entity.id),
            **project_index_keys(
                entity.org_id, entity.workspace_id, entity.status, entity.updated_at, entity.id
            ),
            "org_id": entity.org_id,
            "id": entity.id,
            "workspace_id": entity.workspace_id,
            "name": entity.name,
            "description": entity.description,
            "tags": set(entity.tags),
            "status": entity.status,
            "status_before_archive": entity.status_before_archive,
            "settings": json.dumps(entity.settings, separators=(",", ":")),
            "created_by": entity.created_by,
            "created_at": entity.created_at,
            "updated_at": entity.updated_at,
        }

    def from_item(self, item: dict[str, Any]) -> Project:
        return Project(
            org_id=item["org_id"],
            id=item["id"],
            workspace_id=item["workspace_id"],
            name=item["name"],
            created_by=item["created_by"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            description=item.get("description", ""),
            tags=frozenset(item.get("tags", ())),
            status=item["status"],
            settings=_settings(item.get("settings")),
            status_before_archive=item.get("status_before_archive"),
            member_count=item.get("member_count", 0),
            version=item.get("version", 0),
        )

    def get(self, org_id: str, project_id: str) -> Project | None:
        return self._get(project_key(org_id, project_id))

    def get_many(self, org_id: str, project_ids: list[str]) -> list[Project]:
        return self._batch_get([project_key(org_id, i) for i in project_ids])

    def list_workspace(
        self,
        org_id: str,
        workspace_id: str,
        *,
        page: PageRequest,
        status: str | None = None,
        tag: str | None = None,
    ) -> Page[Project]:
        partition = workspace_projects_partition(org_id, workspace_id)
        wanted: ConditionBase | None = Attr("tags").contains(tag) if tag else None
        if status is not None:
            key, index = Key("gsi2pk").eq(f"{partition}#STATUS#{status}"), "gsi2"
        else:
            key, index = Key("gsi1pk").eq(partition), "gsi1"
            live = Attr("status").ne("archived")
            wanted = live & wanted if wanted is not None else live
        return self._query_page(key, index=index, page=page, scan_forward=False, filter=wanted)

    def add(self, project: Project) -> None:
        item = {**self.to_item(project), "member_count": project.member_count}
        self._stage_insert(item, on_condition=Conflict("project exists"))

    def save(self, project: Project) -> None:
        # An update, not a put: member_count is kept by ADD and must survive.
        changes = {k: v for k, v in self.to_item(project).items() if k not in ("pk", "sk")}
        self._stage_update(
            project_key(project.org_id, project.id),
            set=changes,
            version=project.version,
            on_condition=STALE,
        )

    def remove(self, project: Project) -> None:
        self._stage_delete(
            project_key(project.org_id, project.id), version=project.version, on_condition=STALE
        )
