"""What staff do to the marketplace across organisations (the Django admin calls these):
browse templates (an organisation's of every visibility, an author's, or the public ones of
every organisation), change a template's listing, delete one.

Every use case requires a staff principal. Changes go through the template service in a
staff tenant context (staff act as the organisation's admins, private templates included,
and may publish), so they are validated, version-checked, audited (`by_staff`) and
published exactly as the API's are.
"""

from __future__ import annotations

from collections.abc import Iterable

from domains.agents.templates.model import Template, TemplateQuery
from domains.agents.templates.ports import UnitOfWorkFactory
from domains.agents.templates.selectors import TemplateSelector
from domains.agents.templates.services import TemplateService
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.staff import require_staff, staff_context
from domains.shared.tenancy import Principal, TenantContext

STAFF_PERMISSIONS = frozenset(
    {Permission.TEMPLATE_READ, Permission.TEMPLATE_WRITE, Permission.TEMPLATE_PUBLISH}
)


def staff_tenant(principal: Principal, org_id: str, request_id: str = "") -> TenantContext:
    return staff_context(principal, org_id, permissions=STAFF_PERMISSIONS, request_id=request_id)


class StaffTemplateService:
    def __init__(
        self, *, uow: UnitOfWorkFactory, templates: TemplateService, selector: TemplateSelector
    ) -> None:
        self._uow = uow
        self._templates = templates
        self._selector = selector

    def list_templates(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        author: str | None = None,
    ) -> Page[Template]:
        """An organisation's (gsi1), an author's (gsi4), else the public ones of every
        organisation by popularity (the public index's shards)."""
        require_staff(principal)
        with self._uow() as uow:
            if org_id:
                staff_tenant(principal, org_id)  # a malformed organisation id is 404
                return uow.templates.list_org(org_id, page)
            if author:
                return uow.templates.list_author(author, page)
            return uow.templates.list(TemplateQuery("", "", visibility="public"), page)

    def get_template(self, *, principal: Principal, org_id: str, template_id: str) -> Template:
        template, _ = self._selector.get(
            ctx=staff_tenant(principal, org_id), template_id=template_id
        )
        return template

    def update_template(
        self,
        *,
        principal: Principal,
        org_id: str,
        template_id: str,
        expected_version: int | None,
        name: str,
        description: str,
        category: str,
        tags: Iterable[str],
        visibility: str,
        request_id: str = "",
    ) -> Template:
        template, _ = self._templates.update(
            ctx=staff_tenant(principal, org_id, request_id),
            template_id=template_id,
            expected_version=expected_version,
            name=name,
            description=description,
            category=category,
            tags=tags,
            visibility=visibility,
        )
        return template

    def delete_template(
        self,
        *,
        principal: Principal,
        org_id: str,
        template_id: str,
        expected_version: int | None,
        request_id: str = "",
    ) -> None:
        """The listing, then its content versions, ratings and use records."""
        self._templates.delete(
            ctx=staff_tenant(principal, org_id, request_id),
            template_id=template_id,
            expected_version=expected_version,
        )
