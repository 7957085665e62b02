"""What staff do to the prompts library across organisations (the Django admin calls these):
browse prompts, their versions (read only) and aliases; change a prompt's metadata, move,
add and remove aliases, delete a prompt.

Every use case requires a staff principal. Changes go through the prompt service in a staff
tenant context (staff act as the organisation's admins: they see private prompts and may
change a prompt's visibility), so they are validated, version-checked, audited (`by_staff`)
and published exactly as the API's are.
"""

from __future__ import annotations

from collections.abc import Iterable

from domains.agents.prompts.model import (
    LATEST,
    Prompt,
    PromptAlias,
    PromptVersion,
    check_visibility,
    invalid,
)
from domains.agents.prompts.ports import PromptsStaffBrowser
from domains.agents.prompts.selectors import PromptSelector
from domains.agents.prompts.services import PromptService
from domains.shared.guards import found
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.staff import require_staff, staff_context
from domains.shared.tenancy import Principal, TenantContext

STAFF_PERMISSIONS = frozenset({Permission.PROMPT_READ, Permission.PROMPT_WRITE})


def staff_tenant(principal: Principal, org_id: str, request_id: str = "") -> TenantContext:
    return staff_context(principal, org_id, permissions=STAFF_PERMISSIONS, request_id=request_id)


class StaffPromptService:
    def __init__(
        self,
        *,
        browser: PromptsStaffBrowser,
        prompts: PromptService,
        selector: PromptSelector,
    ) -> None:
        self._browser = browser
        self._prompts = prompts
        self._selector = selector

    # -- prompts -------------------------------------------------------------------------------

    def list_prompts(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        visibility: str | None = None,
    ) -> Page[Prompt]:
        """An organisation's prompts, private ones too (its index), else every
        organisation's (a Scan); newest first but the Scan."""
        require_staff(principal)
        wanted = check_visibility(visibility) if visibility else None
        if not org_id:
            return self._browser.prompts(page, visibility=wanted)
        ctx = staff_tenant(principal, org_id)
        return self._selector.list_org(ctx=ctx, page=page, visibility=wanted)

    def get_prompt(self, *, principal: Principal, org_id: str, prompt_id: str) -> Prompt:
        prompt, _ = self._selector.get(ctx=staff_tenant(principal, org_id), prompt_id=prompt_id)
        return prompt

    def update_prompt(
        self,
        *,
        principal: Principal,
        org_id: str,
        prompt_id: str,
        expected_version: int | None,
        name: str,
        description: str,
        tags: Iterable[str],
        visibility: str,
        request_id: str = "",
    ) -> Prompt:
        return self._prompts.update(
            ctx=staff_tenant(principal, org_id, request_id),
            prompt_id=prompt_id,
            expected_version=expected_version,
            name=name,
            description=description,
            tags=tags,
            visibility=visibility,
        )

    def delete_prompt(
        self,
        *,
        principal: Principal,
        org_id: str,
        prompt_id: str,
        expected_version: int | None,
        request_id: str = "",
    ) -> None:
        """The prompt, then its versions and aliases (the API's delete)."""
        self._prompts.delete(
            ctx=staff_tenant(principal, org_id, request_id),
            prompt_id=prompt_id,
            expected_version=expected_version,
        )

    # -- versions (read only) ------------------------------------------------------------------

    def list_versions(
        self, *, principal: Principal, page: PageRequest, org_id: str | None, prompt_id: str | None
    ) -> Page[PromptVersion]:
        """One prompt's versions, newest first (a Query of its partition)."""
        require_staff(principal)
        if not (org_id and prompt_id):
            raise invalid("prompt", "choose an organisation and a prompt")
        ctx = staff_tenant(principal, org_id)
        return self._selector.versions(ctx=ctx, prompt_id=prompt_id, page=page)

    def get_version(
        self, *, principal: Principal, org_id: str, prompt_id: str, number: int
    ) -> PromptVersion:
        ctx = staff_tenant(principal, org_id)
        return self._selector.version(ctx=ctx, prompt_id=prompt_id, number=number)

    # -- aliases -------------------------------------------------------------------------------

    def list_aliases(
        self, *, principal: Principal, org_id: str | None, prompt_id: str | None
    ) -> list[PromptAlias]:
        """`latest`, then the prompt's movable aliases by name (one Query)."""
        require_staff(principal)
        if not (org_id and prompt_id):
            raise invalid("prompt", "choose an organisation and a prompt")
        return self._selector.aliases(ctx=staff_tenant(principal, org_id), prompt_id=prompt_id)

    def get_alias(
        self, *, principal: Principal, org_id: str, prompt_id: str, alias: str
    ) -> PromptAlias:
        aliases = self.list_aliases(principal=principal, org_id=org_id, prompt_id=prompt_id)
        return found(next((a for a in aliases if a.alias == alias), None), "alias")

    def set_alias(
        self,
        *,
        principal: Principal,
        org_id: str,
        prompt_id: str,
        alias: str,
        number: int,
        expected_version: int | None,
        request_id: str = "",
    ) -> PromptAlias:
        """Add (expected version 0) or move an alias; `latest` moves by itself only."""
        return self._prompts.set_alias(
            ctx=staff_tenant(principal, org_id, request_id),
            prompt_id=prompt_id,
            alias=alias,
            number=number,
            expected_version=expected_version,
        )

    def remove_alias(
        self,
        *,
        principal: Principal,
        org_id: str,
        prompt_id: str,
        alias: str,
        expected_version: int | None,
        request_id: str = "",
    ) -> None:
        if alias == LATEST:
            raise invalid("alias", "`latest` follows the newest version by itself")
        self._prompts.remove_alias(
            ctx=staff_tenant(principal, org_id, request_id),
            prompt_id=prompt_id,
            alias=alias,
            expected_version=expected_version,
        )
