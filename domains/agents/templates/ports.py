"""What the templates marketplace needs from storage (implemented in adapters/dynamodb/agents).

Its unit of work also holds the agents context's repositories: using a template writes the
new agent, its flow and its node configs in the template use's own transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from domains.agents.ports import (
    AgentRepository,
    FlowRepository,
    NodeConfigRepository,
    NodeTypeRepository,
)
from domains.agents.templates.model import Template, TemplateContent, TemplateQuery, TemplateRating
from domains.agents.versions import AgentVersionRepository
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from domains.shared.uow import UnitOfWork


class TemplateRepository(Protocol):
    def get(self, org_id: str, template_id: str, *, consistent: bool = False) -> Template | None:
        """The listing in its organisation's partition."""

    def get_public(self, template_id: str) -> Template | None:
        """A public template of any organisation, by id alone (None if not public)."""

    def list(self, query: TemplateQuery, page: PageRequest) -> Page[Template]:
        """Templates matching `query`, ordered by `query.sort` (descending; ties by id), under
        one cursor however many partitions the page merges."""

    def list_org(self, org_id: str, page: PageRequest) -> Page[Template]:
        """Every template of the organisation, any visibility, newest first (staff tooling)."""

    def list_author(self, user_id: str, page: PageRequest) -> Page[Template]:
        """Every template `user_id` wrote, any visibility, newest first (staff tooling)."""

    def add(self, template: Template) -> None: ...

    def save(self, template: Template) -> None:
        """Stage the edited fields over `template.version` (PreconditionFailed if stale); the
        counters and popularity stay as stored."""

    def remove(self, template: Template) -> None:
        """Stage the deletion (PreconditionFailed if stale)."""

    def purge(self, org_id: str, template_id: str) -> None:
        """After the deletion's transaction: its ratings, use records and content versions
        (reached only through the listing, so a purge cut short hides nothing)."""

    def record_use(self, org_id: str, template_id: str, use_id: str, at: datetime) -> bool:
        """Count one use, once per `use_id` (a redelivered event changes nothing): the use's
        record and +1 on the listing in one transaction. False if counted before or the
        template is gone."""

    def refresh_popularity(self, org_id: str, template_id: str) -> Template | None:
        """Recompute popularity and the rating order from the stored counters (idempotent);
        a write that lost a race to a newer count leaves it to that count's refresh."""


class TemplateContentRepository(Protocol):
    def latest(self, org_id: str, template_id: str) -> TemplateContent | None: ...

    def get(self, org_id: str, template_id: str, number: int) -> TemplateContent | None: ...

    def add(self, content: TemplateContent) -> None:
        """Stage a new version (Conflict if the number exists) and make it the latest."""


class TemplateRatingRepository(Protocol):
    def get(self, org_id: str, template_id: str, user_id: str) -> TemplateRating | None: ...

    def put(self, rating: TemplateRating, *, previous: TemplateRating | None) -> None:
        """Stage the rating (new, or over `previous` at its version) and the listing's sums
        moving by the difference (ADD: exact whoever else rates meanwhile)."""

    def remove(self, rating: TemplateRating) -> None:
        """Stage the rating's deletion and the listing's sums moving back."""


class TemplatesUnitOfWork(UnitOfWork, Protocol):
    templates: TemplateRepository
    contents: TemplateContentRepository
    ratings: TemplateRatingRepository
    agents: AgentRepository
    flows: FlowRepository
    node_types: NodeTypeRepository
    node_configs: NodeConfigRepository
    versions: AgentVersionRepository  # the agents' versions a template may be made from

    def publish(self, event: DomainEvent) -> None: ...


UnitOfWorkFactory = Callable[[], TemplatesUnitOfWork]
