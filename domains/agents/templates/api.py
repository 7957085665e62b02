"""The templates marketplace router: /templates, using one, rating one. Thin: parse, call a
service, shape. The organisation is the X-Organization-Id header; public templates of every
organisation are listed, read, rated and used by any member of one."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.agents.templates import schemas as s
from domains.agents.templates.model import Template, TemplateContent
from domains.agents.templates.services import ContentIn, FromVersion, Source
from domains.shared.api import PageOut, PageParams, if_match, json_response, page_out, tenant_header
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.tenancy import TenantContext
from domains.shared.web import feature_tenant, service

FEATURE = "agent_builder"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["templates"])
HEADER = tenant_header()
CREATING = tenant_header(idempotency_header())


def services() -> Any:
    return service("templates")


def _source(body: s.TemplateIn | s.TemplatePut) -> Source | None:
    if body.content is not None:
        c = body.content.dict()
        return ContentIn(c["nodes"], c["edges"], c["canvas"], c["configs"])
    if body.from_version is not None:
        return FromVersion(body.from_version.agent_id, body.from_version.version)
    return None


def _content(c: TemplateContent) -> dict[str, Any]:
    return asdict(c)


def _template(
    ctx: TenantContext, t: Template, content: TemplateContent | None = None
) -> dict[str, Any]:
    mine = t.org_id == ctx.org_id
    return {
        **asdict(t),
        "tags": sorted(t.tags),
        "owned": mine,
        "org_id": t.org_id if mine else None,
        "author_id": t.created_by if mine else None,
        "rating_average": t.rating_average,
        "content": _content(content) if content else None,
    }


def _out(
    ctx: TenantContext, t: Template, content: TemplateContent | None, status: int = 200
) -> Any:
    body = _template(ctx, t, content)
    return json_response(body, schema=s.TemplateOut, status=status, version=t.version)


@router.get("/templates", response=PageOut[s.TemplateOut], openapi_extra=HEADER)
def template_list(
    request: HttpRequest, params: Query[PageParams], filters: Query[s.TemplateListParams]
) -> Any:
    ctx = ctx_of(request)
    page = services().selector().list(ctx=ctx, page=params.request(), **filters.dict())
    return page_out(page, lambda t: _template(ctx, t))


@router.post("/templates", response={201: s.TemplateOut}, openapi_extra=CREATING)
@idempotent()
def template_create(request: HttpRequest, body: s.TemplateIn) -> Any:
    ctx = ctx_of(request)
    source = _source(body)
    assert source is not None  # the schema requires one
    template, content = (
        services()
        .templates()
        .create(
            ctx=ctx,
            name=body.name,
            category=body.category,
            source=source,
            description=body.description,
            tags=body.tags,
            visibility=body.visibility,
        )
    )
    return _out(ctx, template, content, status=201)


@router.get("/templates/{template_id}", response=s.TemplateOut, openapi_extra=HEADER)
def template_get(request: HttpRequest, template_id: str) -> Any:
    ctx = ctx_of(request)
    template, content = services().selector().get(ctx=ctx, template_id=template_id)
    return _out(ctx, template, content)


@router.put("/templates/{template_id}", response=s.TemplateOut, openapi_extra=HEADER)
def template_update(request: HttpRequest, template_id: str, body: s.TemplatePut) -> Any:
    ctx = ctx_of(request)
    fields = body.dict(exclude_unset=True, exclude={"content", "from_version"})
    template, content = (
        services()
        .templates()
        .update(
            ctx=ctx,
            template_id=template_id,
            expected_version=if_match(request),
            source=_source(body),
            **fields,
        )
    )
    return _out(ctx, template, content)


@router.delete("/templates/{template_id}", response={204: None}, openapi_extra=HEADER)
def template_delete(request: HttpRequest, template_id: str) -> Any:
    services().templates().delete(
        ctx=ctx_of(request), template_id=template_id, expected_version=if_match(request)
    )
    return HttpResponse(status=204)


@router.post(
    "/templates/{template_id}/use", response={201: s.TemplateUseOut}, openapi_extra=CREATING
)
@idempotent(resource_field="agent_id")
def template_use(request: HttpRequest, template_id: str, body: s.TemplateUseIn) -> Any:
    agent, template = (
        services()
        .templates()
        .use(
            ctx=ctx_of(request), template_id=template_id, project_id=body.project_id, name=body.name
        )
    )
    out = {
        "agent_id": agent.id,
        "flow_id": agent.flow_id,
        "project_id": agent.project_id,
        "name": agent.name,
        "template_id": template.id,
        "version": agent.version,
    }
    return json_response(out, schema=s.TemplateUseOut, status=201, version=agent.version)


@router.put("/templates/{template_id}/rating", response=s.TemplateRatingOut, openapi_extra=HEADER)
def template_rate(request: HttpRequest, template_id: str, body: s.TemplateRatingIn) -> Any:
    template, stars = (
        services().templates().rate(ctx=ctx_of(request), template_id=template_id, stars=body.stars)
    )
    return {
        "template_id": template.id,
        "stars": stars,
        "rating_average": template.rating_average,
        "rating_count": template.rating_count,
    }


@router.delete("/templates/{template_id}/rating", response={204: None}, openapi_extra=HEADER)
def template_unrate(request: HttpRequest, template_id: str) -> Any:
    services().templates().unrate(ctx=ctx_of(request), template_id=template_id)
    return HttpResponse(status=204)
