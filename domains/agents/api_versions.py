"""The agent versions router: publish an agent's flow as a numbered version, list and read
versions, restore one as the draft, diff two. Thin: parse, call the service, shape. The
organisation is the X-Organization-Id header.

    POST /agents/{agent_id}/versions                    publish (201, a summary; Idempotency-Key)
    GET  /agents/{agent_id}/versions                    newest first, cursor pages
    GET  /agents/{agent_id}/versions/{number}           one version, whole
    POST /agents/{agent_id}/versions/{number}/restore   the draft flow (If-Match: the flow's ETag)
    GET  /agents/{agent_id}/versions/{number}/diff?against=<n>   number -> n (default newest)
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from domains.agents import schemas as agent_schemas
from domains.agents import schemas_versions as s
from domains.agents.versions import AgentVersion, AgentVersionSummary
from domains.shared.api import PageOut, PageParams, if_match, json_response, page_out, tenant_header
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.web import feature_tenant, service

FEATURE = "agent_builder"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["agent versions"])
HEADER = tenant_header()
CREATING = tenant_header(idempotency_header())


def versions() -> Any:
    return service("agents").versions()


def _summary(v: AgentVersionSummary) -> dict[str, Any]:
    return asdict(v)


def _number(raw: str) -> int:
    """A version number from the path; anything else names no version (404, like an id)."""
    return int(raw) if raw.isdigit() and len(raw) <= 8 else 0


def _whole(v: AgentVersion) -> dict[str, Any]:
    return {
        **_summary(v.summary()),
        "nodes": v.nodes,
        "edges": v.edges,
        "canvas": v.canvas,
        "configs": v.configs,
    }


@router.post(
    "/agents/{agent_id}/versions", response={201: s.AgentVersionSummaryOut}, openapi_extra=CREATING
)
@idempotent(resource_field="number")
def agent_version_publish(request: HttpRequest, agent_id: str, body: s.AgentVersionIn) -> Any:
    """Publish the agent's current flow and node configs as its next version (editors). The
    answer is the version's summary (a replayed answer is kept whole; GET reads the content)."""
    published = versions().publish(ctx=ctx_of(request), agent_id=agent_id, note=body.note)
    summary = _summary(published.summary())
    return json_response(summary, schema=s.AgentVersionSummaryOut, status=201)


@router.get(
    "/agents/{agent_id}/versions",
    response=PageOut[s.AgentVersionSummaryOut],
    openapi_extra=HEADER,
)
def agent_version_list(request: HttpRequest, agent_id: str, params: Query[PageParams]) -> Any:
    page = versions().list(ctx=ctx_of(request), agent_id=agent_id, page=params.request())
    return page_out(page, _summary)


@router.get(
    "/agents/{agent_id}/versions/{number}", response=s.AgentVersionOut, openapi_extra=HEADER
)
def agent_version_get(request: HttpRequest, agent_id: str, number: str) -> Any:
    found = versions().get(ctx=ctx_of(request), agent_id=agent_id, number=_number(number))
    return json_response(_whole(found), schema=s.AgentVersionOut)


@router.post(
    "/agents/{agent_id}/versions/{number}/restore",
    response=agent_schemas.FlowOut,
    openapi_extra=HEADER,
)
def agent_version_restore(request: HttpRequest, agent_id: str, number: str) -> Any:
    """The version becomes the draft flow; If-Match is the flow's ETag (412 when stale)."""
    flow = versions().restore(
        ctx=ctx_of(request),
        agent_id=agent_id,
        number=_number(number),
        expected_version=if_match(request),
    )
    return json_response(asdict(flow), schema=agent_schemas.FlowOut, version=flow.version)


@router.get(
    "/agents/{agent_id}/versions/{number}/diff",
    response=s.AgentVersionDiffOut,
    openapi_extra=HEADER,
)
def agent_version_diff(
    request: HttpRequest, agent_id: str, number: str, params: Query[s.AgentVersionDiffParams]
) -> Any:
    """What changed from version `number` to version `against` (default: the newest)."""
    diff = versions().diff(
        ctx=ctx_of(request), agent_id=agent_id, number=_number(number), against=params.against
    )
    return json_response(asdict(diff), schema=s.AgentVersionDiffOut)
