"""The agent builder's view of the prompts library when publishing a version: the concrete
version number a prompt node's pin names, read through the prompts library's own ports and
visibility rule (a private prompt of someone else pins nothing)."""

from __future__ import annotations

from domains.agents.prompts.model import LATEST
from domains.agents.prompts.ports import UnitOfWorkFactory
from domains.agents.prompts.selectors import visible
from domains.shared.ids import is_valid_id
from domains.shared.tenancy import TenantContext


class PromptLibraryPins:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def resolve(
        self, ctx: TenantContext, prompt_id: str, *, version: int | None, alias: str | None
    ) -> int | None:
        if not is_valid_id(prompt_id):
            return None
        with self._uow() as uow:
            prompt = uow.prompts.get(ctx.org_id, prompt_id)
            if prompt is None or not visible(ctx, prompt):
                return None
            if alias is not None and alias != LATEST:
                moved = uow.aliases.get(ctx.org_id, prompt.id, alias)
                return moved.number if moved is not None else None
        if alias == LATEST or version is None:
            return prompt.latest_version
        # Versions are numbered 1..latest and never deleted while their prompt lives.
        return version if 1 <= version <= prompt.latest_version else None
