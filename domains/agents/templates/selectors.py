"""Reading templates: who sees what, and the marketplace list.

A private template is its author's alone (and staff's, in the admin); an organisation
template its organisation's members'; a public one everyone's, whatever their
organisation. A template the caller may not read is 404, as if absent. Another
organisation's public template is read through the public index, and shown without its
author or organisation (`owned` is False).
"""

from __future__ import annotations

from domains.agents.templates.model import (
    CATEGORIES,
    SORTS,
    VISIBILITIES,
    Template,
    TemplateContent,
    TemplateQuery,
    check_choice,
    readable,
)
from domains.agents.templates.ports import TemplatesUnitOfWork, UnitOfWorkFactory
from domains.shared.guards import found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tags import check_tags
from domains.shared.tenancy import STAFF_ROLE, TenantContext

ADMIN_ROLES = ("owner", "admin", STAFF_ROLE)  # staff in the admin act as the organisation's


def org_admin(ctx: TenantContext) -> bool:
    return ctx.role in ADMIN_ROLES


def load_template(
    ctx: TenantContext, uow: TemplatesUnitOfWork, template_id: str, *, consistent: bool = False
) -> Template:
    """The caller's organisation's template, else a public one of any organisation; 404 for
    a malformed id, an absent one, or one the caller may not read."""
    if not is_valid_id(template_id):
        raise found(None, "template")
    wanted = uow.templates.get(ctx.org_id, template_id, consistent=consistent)
    if wanted is None:
        wanted = uow.templates.get_public(template_id)
    staff_here = ctx.role == STAFF_ROLE and wanted is not None and wanted.org_id == ctx.org_id
    if (
        wanted is not None
        and not staff_here
        and not readable(wanted, ctx.org_id, ctx.principal.user_id)
    ):
        wanted = None
    return found(wanted, "template")


def owned(ctx: TenantContext, template: Template) -> bool:
    return template.org_id == ctx.org_id


class TemplateSelector:
    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def get(self, *, ctx: TenantContext, template_id: str) -> tuple[Template, TemplateContent]:
        """The listing with its latest content."""
        ctx.require(Permission.TEMPLATE_READ)
        with self._uow() as uow:
            template = load_template(ctx, uow, template_id)
            content = uow.contents.latest(template.org_id, template.id)
        return template, found(content, "template content")

    def list(
        self,
        *,
        ctx: TenantContext,
        page: PageRequest,
        sort: str = "popularity",
        visibility: str | None = None,
        category: str | None = None,
        tag: str | None = None,
        author: str | None = None,
        q: str | None = None,
    ) -> Page[Template]:
        ctx.require(Permission.TEMPLATE_READ)
        query = TemplateQuery(
            org_id=ctx.org_id,
            viewer=ctx.principal.user_id,
            sort=check_choice("sort", sort, SORTS),
            visibility=check_choice("visibility", visibility, VISIBILITIES) if visibility else None,
            category=check_choice("category", category, CATEGORIES) if category else None,
            tag=next(iter(check_tags([tag])), None) if tag else None,
            author=ctx.principal.user_id if author == "me" else (author or None),
            text=q.strip().lower() or None if q else None,
        )
        with self._uow() as uow:
            return uow.templates.list(query, page)
