"""What the prompts library needs from storage (implemented in adapters/dynamodb/agents)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from domains.agents.prompts.model import Prompt, PromptAlias, PromptVersion
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from domains.shared.uow import UnitOfWork


class PromptRepository(Protocol):
    def get(self, org_id: str, prompt_id: str) -> Prompt | None: ...

    def list_org(
        self,
        org_id: str,
        *,
        page: PageRequest,
        viewer: str | None,
        tag: str | None = None,
        visibility: str | None = None,
    ) -> Page[Prompt]:
        """The organisation's prompts, most recently updated first; private ones only if
        `viewer` wrote them (None: an admin, who sees every private prompt too)."""

    def list_public(self, page: PageRequest) -> Page[Prompt]:
        """Public prompts of every organisation, most recently updated first (the public
        index is spread over shards; a page merges them)."""

    def add(self, prompt: Prompt) -> None: ...

    def save(self, prompt: Prompt) -> None:
        """Stage the changed prompt (PreconditionFailed if stale)."""

    def remove(self, prompt: Prompt) -> None:
        """Stage the deletion (PreconditionFailed if stale)."""

    def purge(self, org_id: str, prompt_id: str) -> None:
        """Delete a deleted prompt's versions and aliases, after its own transaction: they
        are only reached through the prompt, so a purge cut short hides nothing."""


class PromptVersionRepository(Protocol):
    def get(self, org_id: str, prompt_id: str, number: int) -> PromptVersion | None: ...

    def list(self, org_id: str, prompt_id: str, *, page: PageRequest) -> Page[PromptVersion]:
        """A prompt's versions, newest first."""

    def add(self, version: PromptVersion) -> None:
        """Stage a new version (Conflict if that number exists: versions never change)."""


class PromptAliasRepository(Protocol):
    def get(self, org_id: str, prompt_id: str, alias: str) -> PromptAlias | None: ...

    def list(self, org_id: str, prompt_id: str) -> list[PromptAlias]:
        """Every alias of a prompt, by name (a prompt has few)."""

    def put(self, alias: PromptAlias) -> None:
        """Stage the alias: new when `alias.version` is 0 (Conflict if it appeared
        meanwhile), else over that version (PreconditionFailed if stale)."""

    def remove(self, alias: PromptAlias) -> None: ...


class PromptsStaffBrowser(Protocol):
    """Browsing for staff (the admin), never serving an API request: every organisation's
    prompts are a paginated Scan (an organisation's are its index)."""

    def prompts(self, page: PageRequest, *, visibility: str | None = None) -> Page[Prompt]: ...


class PromptsUnitOfWork(UnitOfWork, Protocol):
    prompts: PromptRepository
    versions: PromptVersionRepository
    aliases: PromptAliasRepository

    def publish(self, event: DomainEvent) -> None: ...


UnitOfWorkFactory = Callable[[], PromptsUnitOfWork]
