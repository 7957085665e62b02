"""The datasets router: /datasets (list, register), /datasets/{id} (get, update, delete),
its versions and its lineage. Thin: parse, call a service, shape. The organisation is the
X-Organization-Id header."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.lab.datasets import schemas as s
from domains.lab.datasets.model import Column, Dataset, DatasetUsage, DatasetVersion, VersionDraft
from domains.lab.datasets.selectors import DatasetEntry
from domains.shared.api import PageOut, PageParams, if_match, json_response, page_out, tenant_header
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.web import feature_tenant, service

FEATURE = "ai_lab"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["datasets"])
HEADER = tenant_header()
CREATING = tenant_header(idempotency_header())


def datasets() -> Any:
    return service("lab_datasets")


def _number(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) <= 8 else 0


def _columns(raw: list[s.DatasetColumnIn]) -> tuple[Column, ...]:
    return tuple(Column(c.name, c.type, c.description) for c in raw)


def _dataset(d: Dataset) -> dict[str, Any]:
    return {
        **asdict(d),
        "tags": sorted(d.tags),
        "columns": [asdict(c) for c in d.columns],
        "revision": d.version,
    }


def _version(v: DatasetVersion) -> dict[str, Any]:
    return {**asdict(v), "version": v.number, "columns": [asdict(c) for c in v.columns]}


def _use(u: DatasetUsage) -> dict[str, Any]:
    return {**asdict(u), "version": u.number, "project_id": u.run_project_id}


def _entry(e: DatasetEntry) -> dict[str, Any]:
    return {**_dataset(e.dataset), "used": _use(e.used) if e.used else None}


@router.get("/datasets", response=PageOut[s.DatasetListEntryOut], openapi_extra=HEADER)
def dataset_list(
    request: HttpRequest, params: Query[PageParams], filters: Query[s.DatasetListParams]
) -> Any:
    """The organisation's datasets, most recently updated first (`project_id`, `tag`); with
    `run_id`, the dataset versions that run used (`used` says which)."""
    page = datasets().selector().list(ctx=ctx_of(request), page=params.request(), **filters.dict())
    return page_out(page, _entry)


@router.post("/datasets", response={201: s.DatasetOut}, openapi_extra=CREATING)
@idempotent()
def dataset_register(request: HttpRequest, body: s.DatasetIn) -> Any:
    fields = body.dict(exclude={"columns"})
    made = (
        datasets().service().register(ctx=ctx_of(request), columns=_columns(body.columns), **fields)
    )
    return json_response(_dataset(made), schema=s.DatasetOut, status=201, version=made.version)


@router.get("/datasets/{id}", response=s.DatasetOut, openapi_extra=HEADER)
def dataset_get(request: HttpRequest, id: str) -> Any:
    found = datasets().selector().get(ctx=ctx_of(request), dataset_id=id)
    return json_response(_dataset(found), schema=s.DatasetOut, version=found.version)


@router.put("/datasets/{id}", response=s.DatasetOut, openapi_extra=HEADER)
def dataset_update(request: HttpRequest, id: str, body: s.DatasetPatch) -> Any:
    """Change the metadata given; If-Match is the dataset's ETag (its revision)."""
    sent = body.dict(exclude_unset=True, exclude={"columns"})
    # null clears a count; for the other fields it means "leave as is"
    fields = {k: v for k, v in sent.items() if v is not None or k in ("size_bytes", "row_count")}
    if body.columns is not None:
        fields["columns"] = _columns(body.columns)
    changed = (
        datasets()
        .service()
        .update(ctx=ctx_of(request), dataset_id=id, expected_version=if_match(request), **fields)
    )
    return json_response(_dataset(changed), schema=s.DatasetOut, version=changed.version)


@router.delete("/datasets/{id}", response={204: None}, openapi_extra=HEADER)
def dataset_delete(request: HttpRequest, id: str) -> Any:
    """Soft delete: the dataset answers 404 from now on and its name is free again; its
    versions and lineage stay in storage, so the runs that used it keep their record."""
    datasets().service().delete(
        ctx=ctx_of(request), dataset_id=id, expected_version=if_match(request)
    )
    return HttpResponse(status=204)


@router.get("/datasets/{id}/versions", response=PageOut[s.DatasetVersionOut], openapi_extra=HEADER)
def dataset_versions(request: HttpRequest, id: str, params: Query[PageParams]) -> Any:
    """A dataset's versions, newest first."""
    page = datasets().selector().versions(ctx=ctx_of(request), dataset_id=id, page=params.request())
    return page_out(page, _version)


@router.post("/datasets/{id}/versions", response={201: s.DatasetVersionOut}, openapi_extra=CREATING)
@idempotent(resource_field="version")
def dataset_version_add(request: HttpRequest, id: str, body: s.DatasetVersionIn) -> Any:
    """The next version (immutable); If-Match, when sent, is the dataset's ETag."""
    draft = VersionDraft(
        s3_uri=body.s3_uri,
        checksum=body.checksum,
        size_bytes=body.size_bytes,
        row_count=body.row_count,
        columns=_columns(body.columns) if body.columns is not None else None,
        description=body.description,
    )
    _, added = (
        datasets()
        .service()
        .add_version(
            ctx=ctx_of(request), dataset_id=id, draft=draft, expected_version=if_match(request)
        )
    )
    return json_response(_version(added), schema=s.DatasetVersionOut, status=201)


@router.get("/datasets/{id}/versions/{version}", response=s.DatasetVersionOut, openapi_extra=HEADER)
def dataset_version_get(request: HttpRequest, id: str, version: str) -> Any:
    """`version` is text in the path: a malformed one is 404 like a missing one."""
    found = (
        datasets().selector().version(ctx=ctx_of(request), dataset_id=id, number=_number(version))
    )
    return json_response(_version(found), schema=s.DatasetVersionOut)


@router.get("/datasets/{id}/lineage", response=s.DatasetLineageOut, openapi_extra=HEADER)
def dataset_lineage(
    request: HttpRequest,
    id: str,
    params: Query[PageParams],
    wanted: Query[s.DatasetLineageParams],
) -> Any:
    """The runs that used each version of the dataset (or of `version`), by version."""
    dataset, page = (
        datasets()
        .selector()
        .lineage(ctx=ctx_of(request), dataset_id=id, number=wanted.version, page=params.request())
    )
    grouped: dict[int, list[dict[str, Any]]] = {}
    for usage in page.items:
        grouped.setdefault(usage.number, []).append(_use(usage))
    answer = {
        "dataset_id": dataset.id,
        "items": [{"version": n, "runs": runs} for n, runs in grouped.items()],
        "next_cursor": page.next_cursor,
    }
    return json_response(answer, schema=s.DatasetLineageOut)
