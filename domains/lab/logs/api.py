"""The run logs router: POST a batch to an experiment, read an experiment's or a run's lines
(newest-first pages, or a tail with `since`). The organisation is the X-Organization-Id
header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.lab.logs import schemas as s
from domains.lab.logs.model import LogEntry, LogLine, position
from domains.lab.logs.services import LogQuery
from domains.shared.api import PageParams, json_response, tenant_header
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.idempotency import HEADER as IDEMPOTENCY_HEADER
from domains.shared.web import feature_tenant, principal_of, service

FEATURE = "ai_lab"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["experiment logs"])
HEADER = tenant_header()
CREATING = tenant_header(idempotency_header())


def logs() -> Any:
    return service("lab_logs").logs()


def _entry(e: LogEntry) -> dict[str, Any]:
    return {
        "log_id": e.log_id,
        "experiment_id": e.experiment_id,
        "run_id": e.run_id,
        "component": e.component,
        "severity": e.severity,
        "message": e.message,
        "timestamp": e.timestamp,
        "received_at": e.received_at,
        "fields": e.fields,
        "position": position(e),
    }


def _batch_key(request: HttpRequest) -> str:
    """The Idempotency-Key scoped as the key store scopes it (to the caller), so two callers
    using the same key on one experiment never share log ids."""
    key = request.headers.get(IDEMPOTENCY_HEADER, "")
    if not key:
        return ""
    principal = principal_of(request)
    return f"{principal.api_key_id or principal.user_id} {key}"


@router.post("/experiments/{id}/logs", response={201: s.LogBatchOut}, openapi_extra=CREATING)
@idempotent()
def logs_post(request: HttpRequest, id: str, body: s.LogBatchIn) -> Any:
    """Up to 500 lines (editor, or an API key with lab:write). With an Idempotency-Key a
    retry gets the first answer, and a retry of a batch cut short writes the same lines
    again (same ids) instead of doubling them."""
    lines = [
        LogLine(e.component, e.severity, e.message, e.timestamp, e.run_id, e.fields)
        for e in body.entries
    ]
    posted = logs().post(
        ctx=ctx_of(request),
        experiment_id=id,
        lines=lines,
        batch_key=_batch_key(request),
    )
    out = {
        "received": posted.received,
        "log_ids": posted.log_ids,
        "received_at": posted.received_at,
    }
    return json_response(out, schema=s.LogBatchOut, status=201)


def _read(
    request: HttpRequest, id: str, run_id: str | None, params: PageParams, f: s.LogReadParams
) -> HttpResponse:
    query = LogQuery(run_id, f.min_severity, f.component, f.time_from, f.time_to)
    ctx = ctx_of(request)
    if f.since is not None:
        tail = logs().tail(
            ctx=ctx, experiment_id=id, query=query, since=f.since, limit=params.limit
        )
        body = {"items": [_entry(e) for e in tail.items], "tail_cursor": tail.cursor}
        return json_response({**body, "more": tail.more}, schema=s.LogPageOut)
    page, until = logs().list(ctx=ctx, experiment_id=id, query=query, page=params.request())
    body = {"items": [_entry(e) for e in page.items], "next_cursor": page.next_cursor}
    return json_response({**body, "tail_cursor": until}, schema=s.LogPageOut)


@router.get("/experiments/{id}/logs", response=s.LogPageOut, openapi_extra=HEADER)
def logs_of_experiment(
    request: HttpRequest, id: str, params: Query[PageParams], filters: Query[s.LogReadParams]
) -> Any:
    """Newest first (`cursor` for older), or with `since` (a `tail_cursor`) the lines that
    arrived after it, oldest first. Filters: min_severity, component, from/to (the lines' own
    time). Lines younger than two seconds show on the next call (see the services)."""
    return _read(request, id, None, params, filters)


@router.get("/experiments/{id}/runs/{runId}/logs", response=s.LogPageOut, openapi_extra=HEADER)
def logs_of_run(
    request: HttpRequest,
    id: str,
    runId: str,
    params: Query[PageParams],
    filters: Query[s.LogReadParams],
) -> Any:
    """One run's lines, as the experiment's."""
    return _read(request, id, runId, params, filters)
