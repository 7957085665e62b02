"""The projects unit of work over DynamoDB: its repositories stage into one transaction."""

from __future__ import annotations

from typing import Any

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.projects.members import (
    DynamoProjectMemberRepository,
    DynamoWorkspaceMemberRepository,
)
from adapters.dynamodb.projects.projects import DynamoProjectRepository
from adapters.dynamodb.projects.workspaces import DynamoWorkspaceRepository
from adapters.dynamodb.uow import DynamoUnitOfWork


class DynamoProjectsUnitOfWork(DynamoUnitOfWork):
    def __init__(
        self,
        client: DynamoClient,
        *,
        cursors: CursorSigner,
        offloader: Offloader | None,
        audit_retention_days: int,
    ) -> None:
        super().__init__(client, offloader=offloader, audit_retention_days=audit_retention_days)
        shared: dict[str, Any] = {"cursors": cursors, "offloader": offloader}
        self.workspaces = DynamoWorkspaceRepository(self, **shared)
        self.projects = DynamoProjectRepository(self, **shared)
        self.workspace_members = DynamoWorkspaceMemberRepository(self, **shared)
        self.project_members = DynamoProjectMemberRepository(self, **shared)
