"""The tracking router: /experiments and their /runs, params, metric batches and histories.
Thin: parse, call a service, shape. The organisation is the X-Organization-Id header. The
MLflow-compatible `2.0/mlflow` paths will sit on the same services."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.lab.tracking import schemas as s
from domains.lab.tracking.model import MAX_STEP, DatasetUse, Experiment, MetricPoint, Run
from domains.shared.api import PageOut, PageParams, if_match, json_response, page_out, tenant_header
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.idempotency import HEADER as IDEMPOTENCY_HEADER
from domains.shared.web import feature_tenant, service

FEATURE = "ai_lab"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["experiments"])
HEADER = tenant_header()
CREATING = tenant_header(idempotency_header())
RUN = "/experiments/{id}/runs/{runId}"


def tracking() -> Any:
    return service("lab_tracking")


def _experiment(e: Experiment) -> dict[str, Any]:
    return asdict(e)


def _experiment_out(e: Experiment, status: int = 200) -> HttpResponse:
    return json_response(_experiment(e), schema=s.ExperimentOut, status=status, version=e.version)


def _run(r: Run) -> dict[str, Any]:
    return {
        **asdict(r),
        "duration_ms": r.duration_ms,
        "datasets": [asdict(d) for d in r.datasets],
        "metrics": {
            k: {"value": p.value, "step": p.step, "timestamp": p.timestamp}
            for k, p in r.latest_metrics.items()
        },
    }


def _run_out(r: Run, status: int = 200) -> HttpResponse:
    return json_response(_run(r), schema=s.RunOut, status=status, version=r.version)


def _uses(datasets: list[s.RunDatasetIn]) -> list[DatasetUse]:
    return [DatasetUse(d.dataset_id, d.version, d.context) for d in datasets]


@router.post("/experiments", response={201: s.ExperimentOut}, openapi_extra=CREATING)
@idempotent()
def experiment_create(request: HttpRequest, body: s.ExperimentIn) -> Any:
    created = tracking().experiments().create(ctx=ctx_of(request), **body.dict())
    return _experiment_out(created, status=201)


@router.get("/experiments", response=PageOut[s.ExperimentOut], openapi_extra=HEADER)
def experiment_list(
    request: HttpRequest, params: Query[PageParams], filters: Query[s.ExperimentListParams]
) -> Any:
    """A project's experiments, most recently updated first, or the organisation's newest
    first (those of projects I can see); deleted ones on request."""
    page = (
        tracking()
        .experiments()
        .list(
            ctx=ctx_of(request),
            project_id=filters.project_id,
            lifecycle=filters.lifecycle,
            page=params.request(),
        )
    )
    return page_out(page, _experiment)


@router.get("/experiments/{id}", response=s.ExperimentOut, openapi_extra=HEADER)
def experiment_get(request: HttpRequest, id: str) -> Any:
    return _experiment_out(tracking().experiments().get(ctx=ctx_of(request), experiment_id=id))


@router.put("/experiments/{id}", response=s.ExperimentOut, openapi_extra=HEADER)
def experiment_update(request: HttpRequest, id: str, body: s.ExperimentPut) -> Any:
    changed = (
        tracking()
        .experiments()
        .update(
            ctx=ctx_of(request),
            experiment_id=id,
            expected_version=if_match(request),
            **body.dict(exclude_unset=True),
        )
    )
    return _experiment_out(changed)


@router.delete("/experiments/{id}", response=s.ExperimentOut, openapi_extra=HEADER)
def experiment_delete(request: HttpRequest, id: str) -> Any:
    """Soft: the experiment is marked deleted and can be restored."""
    deleted = (
        tracking()
        .experiments()
        .delete(ctx=ctx_of(request), experiment_id=id, expected_version=if_match(request))
    )
    return _experiment_out(deleted)


@router.post("/experiments/{id}/restore", response=s.ExperimentOut, openapi_extra=HEADER)
def experiment_restore(request: HttpRequest, id: str) -> Any:
    restored = (
        tracking()
        .experiments()
        .restore(ctx=ctx_of(request), experiment_id=id, expected_version=if_match(request))
    )
    return _experiment_out(restored)


@router.post("/experiments/{id}/runs", response={201: s.RunOut}, openapi_extra=CREATING)
@idempotent()
def run_create(request: HttpRequest, id: str, body: s.RunIn) -> Any:
    fields = body.dict(exclude={"datasets"})
    created = (
        tracking()
        .runs()
        .create(ctx=ctx_of(request), experiment_id=id, datasets=_uses(body.datasets), **fields)
    )
    return _run_out(created, status=201)


@router.get("/experiments/{id}/runs", response=PageOut[s.RunOut], openapi_extra=HEADER)
def run_search(
    request: HttpRequest, id: str, params: Query[PageParams], search: Query[s.RunSearchParams]
) -> Any:
    page = (
        tracking()
        .runs()
        .search(ctx=ctx_of(request), experiment_id=id, page=params.request(), **search.dict())
    )
    return page_out(page, _run)


@router.get(RUN, response=s.RunOut, openapi_extra=HEADER)
def run_get(request: HttpRequest, id: str, runId: str) -> Any:
    return _run_out(tracking().runs().get(ctx=ctx_of(request), run_id=runId, experiment_id=id))


@router.patch(RUN, response=s.RunOut, openapi_extra=HEADER)
def run_update(request: HttpRequest, id: str, runId: str, body: s.RunPatch) -> Any:
    fields = body.dict(exclude_unset=True, exclude={"datasets"})
    changed = (
        tracking()
        .runs()
        .update(
            ctx=ctx_of(request),
            run_id=runId,
            experiment_id=id,
            expected_version=if_match(request),
            datasets=_uses(body.datasets),
            **fields,
        )
    )
    return _run_out(changed)


@router.post(f"{RUN}/params", response=s.RunOut, openapi_extra=HEADER)
def run_log_params(request: HttpRequest, id: str, runId: str, body: s.RunParamsIn) -> Any:
    """Params are immutable once logged: the same value again is fine, another is 409."""
    changed = (
        tracking()
        .runs()
        .log_params(
            ctx=ctx_of(request),
            run_id=runId,
            experiment_id=id,
            expected_version=if_match(request),
            **body.dict(),
        )
    )
    return _run_out(changed)


@router.post(f"{RUN}/metrics", response={201: s.MetricBatchOut}, openapi_extra=CREATING)
@idempotent()
def run_log_metrics(request: HttpRequest, id: str, runId: str, body: s.MetricBatchIn) -> Any:
    """Up to 1,000 points; a batch id (or the Idempotency-Key) makes a retry land once."""
    now = tracking().metrics().now_ms()
    points = [
        MetricPoint(m.key, m.value, now if m.timestamp is None else m.timestamp, m.step)
        for m in body.metrics
    ]
    batch_id = body.batch_id or request.headers.get(IDEMPOTENCY_HEADER, "")
    logged = (
        tracking()
        .metrics()
        .log(ctx=ctx_of(request), run_id=runId, experiment_id=id, points=points, batch_id=batch_id)
    )
    return json_response(asdict(logged), schema=s.MetricBatchOut, status=201)


@router.get(f"{RUN}/metrics/{{path:key}}", response=s.MetricHistoryOut, openapi_extra=HEADER)
def run_metric_history(
    request: HttpRequest, id: str, runId: str, key: str, params: Query[s.MetricHistoryParams]
) -> Any:
    """One key's points by step (or time) range, down-sampled to `max_points` (min and max
    of each stretch kept, so spikes show)."""
    history = (
        tracking()
        .metrics()
        .history(
            ctx=ctx_of(request),
            run_id=runId,
            experiment_id=id,
            key=key,
            step_from=params.step_from,
            step_to=MAX_STEP - 1 if params.step_to is None else params.step_to,
            time_from=params.time_from,
            time_to=params.time_to,
            max_points=params.max_points,
        )
    )
    points = [{"step": p.step, "timestamp": p.timestamp, "value": p.value} for p in history.points]
    body = {"key": key, "total": history.total, "downsampled": history.downsampled}
    return json_response({**body, "points": points}, schema=s.MetricHistoryOut)
