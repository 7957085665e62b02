"""The agents router: /agents and an agent's /flow. Thin: parse, call a service, shape. The
organisation is the X-Organization-Id header."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.agents import schemas as s
from domains.agents.model import Agent, Flow
from domains.shared.api import (
    PageOut,
    PageParams,
    if_match,
    json_response,
    page_out,
    tenant_header,
)
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.web import feature_tenant, service

FEATURE = "agent_builder"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["agents"])
HEADER = tenant_header()
CREATING = tenant_header(idempotency_header())


def services() -> Any:
    return service("agents")


def _agent(a: Agent, role: str | None = None) -> dict[str, Any]:
    return {**asdict(a), "tags": sorted(a.tags), "my_role": role}


def _agent_out(a: Agent, role: str | None = None, status: int = 200) -> HttpResponse:
    return json_response(_agent(a, role), schema=s.AgentOut, status=status, version=a.version)


def _flow_out(f: Flow) -> HttpResponse:
    return json_response(asdict(f), schema=s.FlowOut, version=f.version)


@router.post("/projects/{project_id}/agents", response={201: s.AgentOut}, openapi_extra=CREATING)
@idempotent()
def agent_create(request: HttpRequest, project_id: str, body: s.AgentIn) -> Any:
    created = services().agents().create(ctx=ctx_of(request), project_id=project_id, **body.dict())
    return _agent_out(created, status=201)


@router.get("/projects/{project_id}/agents", response=PageOut[s.AgentOut], openapi_extra=HEADER)
def agent_list_project(request: HttpRequest, project_id: str, params: Query[PageParams]) -> Any:
    page = (
        services()
        .agents()
        .list_project(ctx=ctx_of(request), project_id=project_id, page=params.request())
    )
    return page_out(page, _agent)


@router.get("/agents", response=PageOut[s.AgentOut], openapi_extra=HEADER)
def agent_list_status(
    request: HttpRequest, params: Query[PageParams], filters: Query[s.AgentListParams]
) -> Any:
    """The organisation's agents with a status (those of projects I can see)."""
    page = (
        services()
        .agents()
        .list_status(ctx=ctx_of(request), status=filters.status, page=params.request())
    )
    return page_out(page, _agent)


@router.get("/agents/mine", response=PageOut[s.AgentOut], openapi_extra=HEADER)
def agent_list_mine(request: HttpRequest, params: Query[PageParams]) -> Any:
    page = services().agents().list_mine(ctx=ctx_of(request), page=params.request())
    return page_out(page, _agent)


@router.get("/agents/{agent_id}", response=s.AgentOut, openapi_extra=HEADER)
def agent_get(request: HttpRequest, agent_id: str) -> Any:
    agent, role = services().agents().get(ctx=ctx_of(request), agent_id=agent_id)
    return _agent_out(agent, role)


@router.patch("/agents/{agent_id}", response=s.AgentOut, openapi_extra=HEADER)
def agent_update(request: HttpRequest, agent_id: str, body: s.AgentPatch) -> Any:
    agent = (
        services()
        .agents()
        .update(
            ctx=ctx_of(request),
            agent_id=agent_id,
            expected_version=if_match(request),
            **body.dict(exclude_unset=True),
        )
    )
    return _agent_out(agent)


@router.post("/agents/{agent_id}/archive", response=s.AgentOut, openapi_extra=HEADER)
def agent_archive(request: HttpRequest, agent_id: str) -> Any:
    agent = (
        services()
        .agents()
        .archive(ctx=ctx_of(request), agent_id=agent_id, expected_version=if_match(request))
    )
    return _agent_out(agent)


@router.delete("/agents/{agent_id}", response={204: None}, openapi_extra=HEADER)
def agent_delete(request: HttpRequest, agent_id: str) -> Any:
    services().agents().delete(
        ctx=ctx_of(request), agent_id=agent_id, expected_version=if_match(request)
    )
    return HttpResponse(status=204)


@router.get("/agents/{agent_id}/flow", response=s.FlowOut, openapi_extra=HEADER)
def flow_get(request: HttpRequest, agent_id: str) -> Any:
    return _flow_out(services().flows().get(ctx=ctx_of(request), agent_id=agent_id))


@router.put("/agents/{agent_id}/flow", response=s.FlowOut, openapi_extra=HEADER)
def flow_save(request: HttpRequest, agent_id: str, body: s.FlowIn) -> Any:
    flow = (
        services()
        .flows()
        .save(
            ctx=ctx_of(request),
            agent_id=agent_id,
            expected_version=if_match(request),
            **body.dict(),
        )
    )
    return _flow_out(flow)
