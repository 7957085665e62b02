"""The identity unit of work over DynamoDB: its repositories stage into one transaction."""

from __future__ import annotations

from typing import Any

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.identity.api_keys import DynamoApiKeyRepository
from adapters.dynamodb.identity.content import DynamoContentRepository
from adapters.dynamodb.identity.invitations import DynamoInvitationRepository
from adapters.dynamodb.identity.organizations import (
    DynamoMembershipRepository,
    DynamoOrganizationRepository,
)
from adapters.dynamodb.identity.sessions import DynamoSessionRepository
from adapters.dynamodb.identity.settings import DynamoSettingRepository
from adapters.dynamodb.identity.users import DynamoUserRepository
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.uow import DynamoUnitOfWork


class DynamoIdentityUnitOfWork(DynamoUnitOfWork):
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
        self.users = DynamoUserRepository(self, **shared)
        self.organizations = DynamoOrganizationRepository(self, **shared)
        self.memberships = DynamoMembershipRepository(self, **shared)
        self.sessions = DynamoSessionRepository(self, **shared)
        self.settings = DynamoSettingRepository(self, **shared)
        self.api_keys = DynamoApiKeyRepository(self, **shared)
        self.content = DynamoContentRepository(self, **shared)
        self.invitations = DynamoInvitationRepository(self, **shared)
