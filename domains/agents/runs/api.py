"""The execution history router: /agents/{agentId}/runs, the paths of the source document as
written (like /flows/{flowId}/nodes/{nodeId}/config). Thin: parse, call a service, shape.
The organisation is the X-Organization-Id header, or the API key's own."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from domains.agents.runs import schemas as s
from domains.agents.runs.model import AgentRun, RunError, RunStep, money
from domains.agents.runs.selectors import run_filter
from domains.shared.api import PageOut, PageParams, json_response, page_out, tenant_header
from domains.shared.api_idempotency import REPLAYED_HEADER, idempotency_header, idempotent
from domains.shared.idempotency import HEADER as IDEMPOTENCY_HEADER
from domains.shared.idempotency import check_key
from domains.shared.web import feature_tenant, service

FEATURE = "agent_builder"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["agent runs"])
HEADER = tenant_header()
CREATING = tenant_header(idempotency_header())


def services() -> Any:
    return service("runs")


def _error(raw: s.AgentRunErrorIn | None) -> RunError | None:
    return RunError(raw.type, raw.message) if raw else None


def _step(raw: s.AgentRunStepIn) -> RunStep:
    return RunStep(**{**raw.dict(), "error": _error(raw.error)})


def _summary(run: AgentRun) -> dict[str, Any]:
    return {
        **asdict(run),
        "version": run.agent_version,
        "cost": money(run.cost),
        "expires_at": run.expires_at,
    }


def _detail(run: AgentRun) -> dict[str, Any]:
    steps = [
        {**asdict(step), "cost": money(step.cost) if step.cost is not None else None}
        for step in run.steps
    ]
    return {**_summary(run), "steps": steps}


@router.post("/agents/{agentId}/runs", response={201: s.AgentRunOut}, openapi_extra=CREATING)
@idempotent()
def agent_run_log(request: HttpRequest, agentId: str, body: s.AgentRunIn) -> Any:
    """Log one run (editor on the agent's project, or an API key with agent:execute). A
    retry with the same Idempotency-Key gets the first run back, marked Idempotent-Replayed."""
    raw_key = request.headers.get(IDEMPOTENCY_HEADER)
    fields = body.dict(exclude={"error", "steps", "version"})
    run, replayed = (
        services()
        .service()
        .log(
            ctx=ctx_of(request),
            agent_id=agentId,
            idempotency_key=check_key(raw_key) if raw_key is not None else None,
            agent_version=body.version,
            error=_error(body.error),
            steps=tuple(_step(step) for step in body.steps),
            **fields,
        )
    )
    response = json_response(_detail(run), schema=s.AgentRunOut, status=201)
    if replayed:  # the table's own record of the key: the run made the first time
        response[REPLAYED_HEADER] = "true"
    return response


@router.get("/agents/{agentId}/runs", response=PageOut[s.AgentRunSummaryOut], openapi_extra=HEADER)
def agent_run_list(
    request: HttpRequest,
    agentId: str,
    params: Query[PageParams],
    filters: Query[s.AgentRunListParams],
) -> Any:
    """Newest start first; `from` and `to` bound started_at (inclusive)."""
    page = (
        services()
        .selector()
        .list(
            ctx=ctx_of(request),
            agent_id=agentId,
            page=params.request(),
            where=run_filter(**filters.dict()),
        )
    )
    return page_out(page, _summary)


@router.get("/agents/{agentId}/runs/{runId}", response=s.AgentRunOut, openapi_extra=HEADER)
def agent_run_get(request: HttpRequest, agentId: str, runId: str) -> Any:
    run = services().selector().get(ctx=ctx_of(request), agent_id=agentId, run_id=runId)
    return _detail(run)
