"""Reading prompts: who sees what, and the lists (the organisation's, a prompt's versions and
aliases, and the public library of every organisation).

A private prompt is its author's: others, but the organisation's owners and admins, get 404
as if it did not exist. Organisation and public prompts are read by anyone with prompt:read
in the organisation; other organisations see public prompts only through the public list.
"""

from __future__ import annotations

from domains.agents.prompts.model import (
    LATEST,
    Prompt,
    PromptAlias,
    PromptVersion,
    check_visibility,
)
from domains.agents.prompts.ports import PromptsUnitOfWork, UnitOfWorkFactory
from domains.shared.guards import found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tags import check_tags
from domains.shared.tenancy import STAFF_ROLE, TenantContext

ADMIN_ROLES = ("owner", "admin", STAFF_ROLE)  # staff in the admin act as the organisation's


def org_admin(ctx: TenantContext) -> bool:
    return ctx.role in ADMIN_ROLES


def visible(ctx: TenantContext, prompt: Prompt) -> bool:
    return (
        prompt.visibility != "private"
        or prompt.created_by == ctx.principal.user_id
        or (org_admin(ctx))
    )


def load_prompt(ctx: TenantContext, uow: PromptsUnitOfWork, prompt_id: str) -> Prompt:
    """404 for an id that is malformed, absent, another organisation's, or private to
    someone else."""
    wanted = uow.prompts.get(ctx.org_id, prompt_id) if is_valid_id(prompt_id) else None
    if wanted is not None and not visible(ctx, wanted):
        wanted = None
    return found(wanted, "prompt")


def latest_alias(prompt: Prompt) -> PromptAlias:
    return PromptAlias(
        prompt.org_id,
        prompt.id,
        LATEST,
        prompt.latest_version,
        prompt.created_by,
        prompt.updated_at,
    )


class PromptSelector:
    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def get(self, *, ctx: TenantContext, prompt_id: str) -> tuple[Prompt, PromptVersion]:
        """The prompt with its newest version."""
        ctx.require(Permission.PROMPT_READ)
        with self._uow() as uow:
            prompt = load_prompt(ctx, uow, prompt_id)
            latest = uow.versions.get(ctx.org_id, prompt.id, prompt.latest_version)
        return prompt, found(latest, "prompt version")

    def list_org(
        self,
        *,
        ctx: TenantContext,
        page: PageRequest,
        tag: str | None = None,
        visibility: str | None = None,
    ) -> Page[Prompt]:
        ctx.require(Permission.PROMPT_READ)
        wanted_tag = next(iter(check_tags([tag])), None) if tag else None
        wanted = check_visibility(visibility) if visibility else None
        viewer = None if org_admin(ctx) else ctx.principal.user_id
        with self._uow() as uow:
            return uow.prompts.list_org(
                ctx.org_id, page=page, viewer=viewer, tag=wanted_tag, visibility=wanted
            )

    def list_public(self, *, ctx: TenantContext, page: PageRequest) -> Page[Prompt]:
        """Public prompts of every organisation (the caller's membership checked by `ctx`)."""
        ctx.require(Permission.PROMPT_READ)
        with self._uow() as uow:
            return uow.prompts.list_public(page)

    def versions(
        self, *, ctx: TenantContext, prompt_id: str, page: PageRequest
    ) -> Page[PromptVersion]:
        ctx.require(Permission.PROMPT_READ)
        with self._uow() as uow:
            prompt = load_prompt(ctx, uow, prompt_id)
            return uow.versions.list(ctx.org_id, prompt.id, page=page)

    def version(self, *, ctx: TenantContext, prompt_id: str, number: int) -> PromptVersion:
        ctx.require(Permission.PROMPT_READ)
        with self._uow() as uow:
            prompt = load_prompt(ctx, uow, prompt_id)
            wanted = uow.versions.get(ctx.org_id, prompt.id, number) if number >= 1 else None
        return found(wanted, "prompt version")

    def aliases(self, *, ctx: TenantContext, prompt_id: str) -> list[PromptAlias]:
        """`latest` first, then the movable aliases by name."""
        ctx.require(Permission.PROMPT_READ)
        with self._uow() as uow:
            prompt = load_prompt(ctx, uow, prompt_id)
            return [latest_alias(prompt), *uow.aliases.list(ctx.org_id, prompt.id)]
