"""The model registry router: /models/registry (list, register), /models/{id} with its
versions, stages, deployments, aliases and metrics. Thin: parse, call a service, shape. The
organisation is the X-Organization-Id header; path parameters keep the seed's `{id}`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.lab.registry import schemas as s
from domains.lab.registry.model import (
    MetricPoint,
    ModelAlias,
    ModelVersion,
    RegisteredModel,
    VersionDraft,
)
from domains.lab.registry.ports import VersionFilter
from domains.lab.registry.selectors import ModelDetail, RegistryEntry
from domains.shared.api import PageOut, PageParams, if_match, json_response, page_out, tenant_header
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.web import feature_tenant, service

FEATURE = "ai_lab"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["model registry"])
HEADER = tenant_header()
CREATING = tenant_header(idempotency_header())


def registry() -> Any:
    return service("lab_registry")


def _number(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) <= 8 else 0


def _draft(body: s.ModelVersionIn) -> VersionDraft:
    return VersionDraft(**body.dict())


def _model(m: RegisteredModel) -> dict[str, Any]:
    return {**asdict(m), "tags": sorted(m.tags), "revision": m.version}


def _version(v: ModelVersion) -> dict[str, Any]:
    return {
        **asdict(v),
        "version": v.number,
        "revision": v.version,
        "history": [asdict(c) for c in v.history],
    }


def _alias(a: ModelAlias) -> dict[str, Any]:
    return {**asdict(a), "version": a.number, "revision": a.version}


def _point(p: MetricPoint) -> dict[str, Any]:
    return {**asdict(p), "version": p.number, "at": p.recorded_at}


def _entry(e: RegistryEntry) -> dict[str, Any]:
    if e.model is not None:
        m = e.model
        return {**_model(m), "kind": "model", "model_id": m.id, "version": None}
    v = e.version
    assert v is not None
    return {
        "kind": "version",
        "model_id": v.model_id,
        "name": v.model_name,
        "task": v.task,
        "framework": v.framework,
        "project_id": v.project_id,
        "updated_at": v.updated_at,
        "version": _version(v),
    }


def _detail(d: ModelDetail) -> dict[str, Any]:
    return {
        **_model(d.model),
        "production_version": d.production_version,
        "aliases": [_alias(a) for a in d.aliases],
        "versions": [_version(v) for v in d.versions.items],
        "next_cursor": d.versions.next_cursor,
    }


def _version_out(v: ModelVersion, schema: Any = s.ModelVersionOut, **extra: Any) -> Any:
    return json_response({**_version(v), **extra}, schema=schema, version=v.version)


@router.get("/models/registry", response=PageOut[s.RegistryEntryOut], openapi_extra=HEADER)
def model_registry_list(
    request: HttpRequest, params: Query[PageParams], filters: Query[s.RegistryListParams]
) -> Any:
    page = (
        registry()
        .selector()
        .list(ctx=ctx_of(request), wanted=VersionFilter(**filters.dict()), page=params.request())
    )
    return page_out(page, _entry)


@router.post("/models/registry", response={201: s.ModelRegisteredOut}, openapi_extra=CREATING)
@idempotent(resource_field="model")
def model_register(request: HttpRequest, body: s.ModelRegisterIn) -> Any:
    """A new model (and its version 1 when `version` is given), or with `model_id` the next
    version of an existing model."""
    ctx = ctx_of(request)
    draft = _draft(body.version) if body.version else None
    if body.model_id is not None and draft is not None:
        model, added = registry().models().add_version(ctx=ctx, model_id=body.model_id, draft=draft)
    else:
        model, added = (
            registry()
            .models()
            .register(
                ctx=ctx,
                name=body.name or "",
                task=body.task or "",
                framework=body.framework or "",
                project_id=body.project_id or "",
                description=body.description,
                tags=body.tags,
                first=draft,
            )
        )
    answer = {"model": _model(model), "version": _version(added) if added else None}
    return json_response(answer, schema=s.ModelRegisteredOut, status=201, version=model.version)


@router.get("/models/{id}", response=s.ModelDetailOut, openapi_extra=HEADER)
def model_get(request: HttpRequest, id: str, params: Query[PageParams]) -> Any:
    """The model with a page of its versions (newest first; `limit`, `cursor`)."""
    detail = registry().selector().get(ctx=ctx_of(request), model_id=id, page=params.request())
    return json_response(_detail(detail), schema=s.ModelDetailOut, version=detail.model.version)


@router.post("/models/{id}/versions", response={201: s.ModelVersionOut}, openapi_extra=CREATING)
@idempotent(resource_field="version")
def model_version_add(request: HttpRequest, id: str, body: s.ModelVersionIn) -> Any:
    """The next version; If-Match is the model's ETag (its revision)."""
    _, added = (
        registry()
        .models()
        .add_version(
            ctx=ctx_of(request),
            model_id=id,
            draft=_draft(body),
            expected_version=if_match(request),
        )
    )
    return json_response(_version(added), schema=s.ModelVersionOut, status=201, version=1)


@router.put("/models/{id}/versions/{version}/stage", response=s.ModelStageOut, openapi_extra=HEADER)
def model_stage_set(request: HttpRequest, id: str, version: str, body: s.ModelStageIn) -> Any:
    """Move a version to a stage; promoting one to production moves the one it replaces to
    archived, in the same transaction. If-Match is the version's ETag. `version` is text in
    the path, so a malformed one is 404 like a missing one (after the tenant check)."""
    changed, replaced = (
        registry()
        .lifecycle()
        .set_stage(
            ctx=ctx_of(request),
            model_id=id,
            number=_number(version),
            stage=body.stage,
            expected_version=if_match(request),
        )
    )
    return _version_out(changed, s.ModelStageOut, replaced=replaced.number if replaced else None)


@router.put("/models/{id}/deploy", response=s.ModelVersionOut, openapi_extra=HEADER)
def model_deploy(request: HttpRequest, id: str, body: s.ModelDeployIn) -> Any:
    """Move a version's deployment status (409 on a transition the lifecycle does not allow);
    If-Match is the version's ETag."""
    endpoint = body.endpoint.dict(exclude_none=True) if body.endpoint else {}
    changed = (
        registry()
        .lifecycle()
        .deploy(
            ctx=ctx_of(request),
            model_id=id,
            number=body.version,
            status=body.status,
            endpoint=endpoint,
            note=body.note,
            expected_version=if_match(request),
        )
    )
    return _version_out(changed)


@router.put("/models/{id}/aliases/{alias}", response=s.ModelAliasOut, openapi_extra=HEADER)
def model_alias_set(request: HttpRequest, id: str, alias: str, body: s.ModelAliasIn) -> Any:
    moved = (
        registry()
        .models()
        .set_alias(
            ctx=ctx_of(request),
            model_id=id,
            alias=alias,
            number=body.version,
            expected_version=if_match(request),
        )
    )
    return json_response(_alias(moved), schema=s.ModelAliasOut, version=moved.version)


@router.delete("/models/{id}/aliases/{alias}", response={204: None}, openapi_extra=HEADER)
def model_alias_remove(request: HttpRequest, id: str, alias: str) -> Any:
    registry().models().remove_alias(
        ctx=ctx_of(request), model_id=id, alias=alias, expected_version=if_match(request)
    )
    return HttpResponse(status=204)


@router.get("/models/{id}/metrics", response=PageOut[s.ModelMetricPointOut], openapi_extra=HEADER)
def model_metrics(
    request: HttpRequest, id: str, params: Query[PageParams], window: Query[s.ModelMetricsParams]
) -> Any:
    """Performance metrics over time: of one version, or of every version (by version)."""
    page = (
        registry()
        .selector()
        .metrics(
            ctx=ctx_of(request),
            model_id=id,
            number=window.version,
            start=window.start,
            end=window.end,
            page=params.request(),
        )
    )
    return page_out(page, _point)


@router.post("/models/{id}/metrics", response={201: s.ModelMetricPointOut}, openapi_extra=CREATING)
@idempotent()
def model_metrics_record(request: HttpRequest, id: str, body: s.ModelMetricsIn) -> Any:
    point = (
        registry()
        .models()
        .record_metrics(
            ctx=ctx_of(request), model_id=id, number=body.version, values=body.values, at=body.at
        )
    )
    return json_response(_point(point), schema=s.ModelMetricPointOut, status=201)
