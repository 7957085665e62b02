"""Prompt use cases: create (with version 1), change the metadata, add a version, move an
alias, delete, and render (counted as `prompt.rendered` usage)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from domains.agents.prompts.model import (
    Prompt,
    PromptAlias,
    PromptVariable,
    PromptVersion,
    check_alias,
    check_body,
    check_text,
    check_visibility,
    invalid,
)
from domains.agents.prompts.ports import PromptsUnitOfWork, UnitOfWorkFactory
from domains.agents.prompts.selectors import load_prompt, org_admin
from domains.shared.clock import Clock
from domains.shared.errors import Forbidden, ValidationFailed
from domains.shared.events import record_change
from domains.shared.guards import check_version, found
from domains.shared.ids import new_id
from domains.shared.permissions import Permission
from domains.shared.tags import check_tags
from domains.shared.tenancy import TenantContext
from domains.shared.usage import UsageRecorder

RENDERED = "prompt.rendered"


class PromptService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, usage: UsageRecorder) -> None:
        self._uow = uow
        self._clock = clock
        self._usage = usage

    def create(
        self,
        *,
        ctx: TenantContext,
        name: str,
        template: str,
        variables: Iterable[PromptVariable] = (),
        description: str = "",
        tags: Iterable[str] = (),
        visibility: str = "organization",
    ) -> tuple[Prompt, PromptVersion]:
        """The prompt and its version 1, in one transaction."""
        ctx.require(Permission.PROMPT_WRITE)
        now, user = self._clock.now(), ctx.principal.user_id
        prompt = Prompt(
            ctx.org_id,
            new_id(),
            check_text("name", name, low=1, high=120),
            user,
            now,
            now,
            check_text("description", description, low=0, high=2000),
            check_tags(tags),
            check_visibility(visibility),
        )
        first = PromptVersion(
            ctx.org_id, prompt.id, 1, template, check_body(template, variables), user, now
        )
        with self._uow() as uow:
            uow.prompts.add(prompt)
            uow.versions.add(first)
            self._record(uow, ctx, prompt, "create", "PromptCreated", name=prompt.name)
            uow.commit()
        return replace(prompt, version=1), first

    def update(
        self,
        *,
        ctx: TenantContext,
        prompt_id: str,
        expected_version: int | None,
        name: str | None = None,
        description: str | None = None,
        tags: Iterable[str] | None = None,
        visibility: str | None = None,
    ) -> Prompt:
        ctx.require(Permission.PROMPT_WRITE)
        with self._uow() as uow:
            prompt = load_prompt(ctx, uow, prompt_id)
            check_version(expected_version, prompt.version, "prompt")
            if visibility not in (None, prompt.visibility):
                self._require_owner(ctx, prompt, "changing a prompt's visibility")
            changed = replace(
                prompt,
                name=check_text("name", name, low=1, high=120) if name is not None else prompt.name,
                description=check_text("description", description, low=0, high=2000)
                if description is not None
                else prompt.description,
                tags=check_tags(tags) if tags is not None else prompt.tags,
                visibility=check_visibility(visibility) if visibility else prompt.visibility,
                updated_at=self._clock.now(),
            )
            uow.prompts.save(changed)
            self._record(uow, ctx, changed, "update", "PromptUpdated")
            uow.commit()
        return replace(changed, version=prompt.version + 1)

    def delete(
        self, *, ctx: TenantContext, prompt_id: str, expected_version: int | None = None
    ) -> None:
        ctx.require(Permission.PROMPT_WRITE)
        with self._uow() as uow:
            prompt = load_prompt(ctx, uow, prompt_id)
            self._require_owner(ctx, prompt, "deleting a prompt")
            check_version(expected_version, prompt.version, "prompt")
            uow.prompts.remove(prompt)
            self._record(uow, ctx, prompt, "delete", "PromptDeleted", name=prompt.name)
            uow.commit()
            uow.prompts.purge(ctx.org_id, prompt.id)

    def add_version(
        self,
        *,
        ctx: TenantContext,
        prompt_id: str,
        template: str,
        variables: Iterable[PromptVariable] = (),
        note: str = "",
        expected_version: int | None = None,
    ) -> tuple[Prompt, PromptVersion]:
        """The next numbered version; `latest` follows it (the prompt's number moves in the
        same transaction, so two writers cannot both take one number)."""
        ctx.require(Permission.PROMPT_WRITE)
        declared = check_body(template, variables)
        now = self._clock.now()
        with self._uow() as uow:
            prompt = load_prompt(ctx, uow, prompt_id)
            check_version(expected_version, prompt.version, "prompt")
            number = prompt.latest_version + 1
            added = PromptVersion(
                ctx.org_id,
                prompt.id,
                number,
                template,
                declared,
                ctx.principal.user_id,
                now,
                check_text("note", note, low=0, high=500),
            )
            changed = replace(prompt, latest_version=number, updated_at=now)
            uow.versions.add(added)
            uow.prompts.save(changed)
            self._record(uow, ctx, prompt, "version", "PromptVersionAdded", number=number)
            uow.commit()
        return replace(changed, version=prompt.version + 1), added

    def set_alias(
        self,
        *,
        ctx: TenantContext,
        prompt_id: str,
        alias: str,
        number: int,
        expected_version: int | None = None,
    ) -> PromptAlias:
        """Point `alias` at version `number` (new, or moved from where it was)."""
        ctx.require(Permission.PROMPT_WRITE)
        name = check_alias(alias)
        with self._uow() as uow:
            prompt = load_prompt(ctx, uow, prompt_id)
            if not 1 <= number <= prompt.latest_version:
                raise invalid(
                    "version", f"no version {number} (the newest is {prompt.latest_version})"
                )
            current = uow.aliases.get(ctx.org_id, prompt.id, name)
            check_version(expected_version, current.version if current else 0, "alias")
            now = self._clock.now()
            moved = PromptAlias(
                ctx.org_id,
                prompt.id,
                name,
                number,
                ctx.principal.user_id,
                now,
                current.version if current else 0,
            )
            uow.aliases.put(moved)
            self._record(uow, ctx, prompt, "alias", "PromptAliasMoved", alias=name, number=number)
            uow.commit()
        return replace(moved, version=moved.version + 1)

    def remove_alias(
        self, *, ctx: TenantContext, prompt_id: str, alias: str, expected_version: int | None
    ) -> None:
        ctx.require(Permission.PROMPT_WRITE)
        with self._uow() as uow:
            prompt = load_prompt(ctx, uow, prompt_id)
            current = found(uow.aliases.get(ctx.org_id, prompt.id, alias), "alias")
            check_version(expected_version, current.version, "alias")
            uow.aliases.remove(current)
            self._record(uow, ctx, prompt, "alias_remove", "PromptAliasRemoved", alias=alias)
            uow.commit()

    def render(
        self,
        *,
        ctx: TenantContext,
        prompt_id: str,
        variables: Mapping[str, Any],
        version: int | None = None,
        alias: str | None = None,
    ) -> tuple[str, PromptVersion]:
        """The text of a version (`version`, `alias`, or else the newest), counted once."""
        ctx.require(Permission.PROMPT_READ)
        if version is not None and alias is not None:
            raise ValidationFailed(
                "name a version or an alias, not both",
                errors=[{"loc": ["alias"], "msg": "give either version or alias"}],
            )
        with self._uow() as uow:
            prompt = load_prompt(ctx, uow, prompt_id)
            number = self._resolve(uow, prompt, version, alias)
            chosen = found(uow.versions.get(ctx.org_id, prompt.id, number), "prompt version")
        text = chosen.render(variables)
        self._usage.record(org_id=ctx.org_id, counter=RENDERED)
        return text, chosen

    def _resolve(
        self, uow: PromptsUnitOfWork, prompt: Prompt, version: int | None, alias: str | None
    ) -> int:
        if version is not None:
            return version
        if alias is None or alias == "latest":
            return prompt.latest_version
        return found(uow.aliases.get(prompt.org_id, prompt.id, alias), "alias").number

    def _require_owner(self, ctx: TenantContext, prompt: Prompt, doing: str) -> None:
        if prompt.created_by != ctx.principal.user_id and not org_admin(ctx):
            raise Forbidden(f"{doing} is for its author and the organisation's admins")

    def _record(
        self,
        uow: PromptsUnitOfWork,
        ctx: TenantContext,
        prompt: Prompt,
        verb: str,
        event: str,
        **details: Any,
    ) -> None:
        record_change(
            uow,
            ctx,
            action=f"prompt.{verb}",
            event=event,
            resource=("prompt", prompt.id),
            at=self._clock.now(),
            **details,
        )
