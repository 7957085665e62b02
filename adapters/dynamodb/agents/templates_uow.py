"""The marketplace's unit of work over DynamoDB: the template repositories and, for using a
template, the agents context's (the new agent, its flow and node configs), in one transaction."""

from __future__ import annotations

from typing import Any

from adapters.dynamodb.agents.agents import DynamoAgentRepository
from adapters.dynamodb.agents.flows import DynamoFlowRepository
from adapters.dynamodb.agents.node_configs import (
    DynamoNodeConfigRepository,
    DynamoNodeTypeRepository,
)
from adapters.dynamodb.agents.templates import (
    DynamoTemplateContentRepository,
    DynamoTemplateRatingRepository,
    DynamoTemplateRepository,
)
from adapters.dynamodb.agents.versions import DynamoAgentVersionRepository
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.uow import DynamoUnitOfWork


class DynamoTemplatesUnitOfWork(DynamoUnitOfWork):
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
        self.templates = DynamoTemplateRepository(self, **shared)
        self.contents = DynamoTemplateContentRepository(self, **shared)
        self.ratings = DynamoTemplateRatingRepository(self, **shared)
        self.agents = DynamoAgentRepository(self, **shared)
        self.flows = DynamoFlowRepository(self, **shared)
        self.node_types = DynamoNodeTypeRepository(self, **shared)
        self.node_configs = DynamoNodeConfigRepository(self, **shared)
        self.versions = DynamoAgentVersionRepository(self, **shared)
