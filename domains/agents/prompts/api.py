"""The prompts library router: /prompts, their versions, aliases and rendering. Thin: parse,
call a service, shape. The organisation is the X-Organization-Id header; the public list
shows public prompts of every organisation to any signed-in member of one."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.agents.prompts import schemas as s
from domains.agents.prompts.model import Prompt, PromptAlias, PromptVariable, PromptVersion
from domains.shared.api import PageOut, PageParams, if_match, json_response, page_out, tenant_header
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.web import feature_tenant, service

FEATURE = "agent_builder"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["prompts"])
HEADER = tenant_header()
CREATING = tenant_header(idempotency_header())


def services() -> Any:
    return service("prompts")


def _variables(raw: list[s.PromptVariableIn]) -> list[PromptVariable]:
    return [PromptVariable(**v.dict()) for v in raw]


def _version(v: PromptVersion) -> dict[str, Any]:
    return {**asdict(v), "variables": [asdict(x) for x in v.variables]}


def _prompt(p: Prompt, latest: PromptVersion | None = None) -> dict[str, Any]:
    body = {**asdict(p), "tags": sorted(p.tags)}
    return {**body, "latest": _version(latest) if latest else None}


def _public(p: Prompt) -> dict[str, Any]:
    return {**asdict(p), "tags": sorted(p.tags)}


def _alias(a: PromptAlias) -> dict[str, Any]:
    return {**asdict(a), "version": a.number, "revision": a.version}


def _number(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) <= 8 else 0


def _prompt_out(p: Prompt, latest: PromptVersion | None = None, status: int = 200) -> Any:
    return json_response(_prompt(p, latest), schema=s.PromptOut, status=status, version=p.version)


@router.post("/prompts", response={201: s.PromptOut}, openapi_extra=CREATING)
@idempotent()
def prompt_create(request: HttpRequest, body: s.PromptIn) -> Any:
    fields = body.dict()
    fields["variables"] = _variables(body.variables)
    prompt, first = services().prompts().create(ctx=ctx_of(request), **fields)
    return _prompt_out(prompt, first, status=201)


@router.get("/prompts", response=PageOut[s.PromptOut], openapi_extra=HEADER)
def prompt_list(
    request: HttpRequest, params: Query[PageParams], filters: Query[s.PromptListParams]
) -> Any:
    page = (
        services()
        .selector()
        .list_org(
            ctx=ctx_of(request),
            page=params.request(),
            tag=filters.tag,
            visibility=filters.visibility,
        )
    )
    return page_out(page, _prompt)


@router.get("/prompts/public", response=PageOut[s.PromptPublicOut], openapi_extra=HEADER)
def prompt_list_public(request: HttpRequest, params: Query[PageParams]) -> Any:
    page = services().selector().list_public(ctx=ctx_of(request), page=params.request())
    return page_out(page, _public)


@router.get("/prompts/{prompt_id}", response=s.PromptOut, openapi_extra=HEADER)
def prompt_get(request: HttpRequest, prompt_id: str) -> Any:
    prompt, latest = services().selector().get(ctx=ctx_of(request), prompt_id=prompt_id)
    return _prompt_out(prompt, latest)


@router.patch("/prompts/{prompt_id}", response=s.PromptOut, openapi_extra=HEADER)
def prompt_update(request: HttpRequest, prompt_id: str, body: s.PromptPatch) -> Any:
    prompt = (
        services()
        .prompts()
        .update(
            ctx=ctx_of(request),
            prompt_id=prompt_id,
            expected_version=if_match(request),
            **body.dict(exclude_unset=True),
        )
    )
    return _prompt_out(prompt)


@router.delete("/prompts/{prompt_id}", response={204: None}, openapi_extra=HEADER)
def prompt_delete(request: HttpRequest, prompt_id: str) -> Any:
    services().prompts().delete(
        ctx=ctx_of(request), prompt_id=prompt_id, expected_version=if_match(request)
    )
    return HttpResponse(status=204)


@router.get(
    "/prompts/{prompt_id}/versions", response=PageOut[s.PromptVersionOut], openapi_extra=HEADER
)
def prompt_versions(request: HttpRequest, prompt_id: str, params: Query[PageParams]) -> Any:
    page = (
        services()
        .selector()
        .versions(ctx=ctx_of(request), prompt_id=prompt_id, page=params.request())
    )
    return page_out(page, _version)


@router.post("/prompts/{prompt_id}/versions", response={201: s.PromptOut}, openapi_extra=CREATING)
@idempotent()
def prompt_version_add(request: HttpRequest, prompt_id: str, body: s.PromptVersionIn) -> Any:
    prompt, added = (
        services()
        .prompts()
        .add_version(
            ctx=ctx_of(request),
            prompt_id=prompt_id,
            template=body.template,
            variables=_variables(body.variables),
            note=body.note,
            expected_version=if_match(request),
        )
    )
    return _prompt_out(prompt, added, status=201)


@router.get(
    "/prompts/{prompt_id}/versions/{number}", response=s.PromptVersionOut, openapi_extra=HEADER
)
def prompt_version_get(request: HttpRequest, prompt_id: str, number: str) -> Any:
    """`number` is text in the path, so a malformed one is 404 like a missing one (after the
    tenant check, not before it)."""
    version = (
        services()
        .selector()
        .version(ctx=ctx_of(request), prompt_id=prompt_id, number=_number(number))
    )
    return _version(version)


@router.get("/prompts/{prompt_id}/aliases", response=list[s.PromptAliasOut], openapi_extra=HEADER)
def prompt_aliases(request: HttpRequest, prompt_id: str) -> Any:
    aliases = services().selector().aliases(ctx=ctx_of(request), prompt_id=prompt_id)
    return [_alias(a) for a in aliases]


@router.put("/prompts/{prompt_id}/aliases/{alias}", response=s.PromptAliasOut, openapi_extra=HEADER)
def prompt_alias_set(
    request: HttpRequest, prompt_id: str, alias: str, body: s.PromptAliasIn
) -> Any:
    moved = (
        services()
        .prompts()
        .set_alias(
            ctx=ctx_of(request),
            prompt_id=prompt_id,
            alias=alias,
            number=body.version,
            expected_version=if_match(request),
        )
    )
    return json_response(_alias(moved), schema=s.PromptAliasOut, version=moved.version)


@router.delete("/prompts/{prompt_id}/aliases/{alias}", response={204: None}, openapi_extra=HEADER)
def prompt_alias_remove(request: HttpRequest, prompt_id: str, alias: str) -> Any:
    services().prompts().remove_alias(
        ctx=ctx_of(request), prompt_id=prompt_id, alias=alias, expected_version=if_match(request)
    )
    return HttpResponse(status=204)


@router.post("/prompts/{prompt_id}/render", response=s.PromptRenderOut, openapi_extra=HEADER)
def prompt_render(request: HttpRequest, prompt_id: str, body: s.PromptRenderIn) -> Any:
    text, used = (
        services()
        .prompts()
        .render(
            ctx=ctx_of(request),
            prompt_id=prompt_id,
            variables=body.variables,
            version=body.version,
            alias=body.alias,
        )
    )
    return {"prompt_id": used.prompt_id, "version": used.number, "text": text}
