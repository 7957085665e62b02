"""The projects routers: /workspaces, /projects, their members, and /dashboard. Thin: parse,
call a service, shape. The organisation is the X-Organization-Id header."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.projects import schemas as s
from domains.projects.model import Member, Project, Workspace
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

FEATURE = "project_management"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["projects"])
HEADER = tenant_header()
CREATING = tenant_header(idempotency_header())


def services() -> Any:
    return service("projects")


def _workspace(ws: Workspace, role: str | None = None) -> dict[str, Any]:
    return {**asdict(ws), "my_role": role}


def _project(p: Project, role: str | None = None) -> dict[str, Any]:
    return {**asdict(p), "tags": sorted(p.tags), "my_role": role}


def _member(m: Member) -> dict[str, Any]:
    return asdict(m)


def _mine(key: str, shape: Any) -> Any:
    def convert(pair: tuple[Any, Member]) -> dict[str, Any]:
        entity, member = pair
        return {
            key: shape(entity, member.role),
            "role": member.role,
            "last_activity_at": member.last_activity_at,
            "pinned_at": member.pinned_at,
        }

    return convert


def _ws_out(ws: Workspace, role: str | None = None, status: int = 200) -> HttpResponse:
    body = _workspace(ws, role)
    return json_response(body, schema=s.WorkspaceOut, status=status, version=ws.version)


def _project_out(p: Project, role: str | None = None, status: int = 200) -> HttpResponse:
    body = _project(p, role)
    return json_response(body, schema=s.ProjectOut, status=status, version=p.version)


# -- dashboard ----------------------------------------------------------------------------------


@router.get("/dashboard", response=s.DashboardOut, openapi_extra=HEADER)
def dashboard(request: HttpRequest) -> Any:
    board = services().dashboard().dashboard(ctx=ctx_of(request))
    workspaces, projects = _mine("workspace", _workspace), _mine("project", _project)
    return {
        "recent_workspaces": [workspaces(p) for p in board.recent_workspaces],
        "recent_projects": [projects(p) for p in board.recent_projects],
        "pinned_workspaces": [workspaces(p) for p in board.pinned_workspaces],
        "pinned_projects": [projects(p) for p in board.pinned_projects],
        "counts": asdict(board.counts),
    }


# -- workspaces ---------------------------------------------------------------------------------


@router.post("/workspaces", response={201: s.WorkspaceOut}, openapi_extra=CREATING)
@idempotent()
def workspace_create(request: HttpRequest, body: s.WorkspaceIn) -> Any:
    ws = services().workspaces().create(ctx=ctx_of(request), **body.dict())
    return _ws_out(ws, "admin", status=201)


@router.get("/workspaces", response=PageOut[s.WorkspaceOut], openapi_extra=HEADER)
def workspace_list(
    request: HttpRequest, params: Query[PageParams], filters: Query[s.WorkspaceListParams]
) -> Any:
    page = (
        services()
        .workspaces()
        .list_org(ctx=ctx_of(request), page=params.request(), status=filters.status)
    )
    return page_out(page, _workspace)


@router.get("/workspaces/mine", response=PageOut[s.MyWorkspaceOut], openapi_extra=HEADER)
def workspace_list_mine(request: HttpRequest, params: Query[PageParams]) -> Any:
    page = services().workspaces().list_mine(ctx=ctx_of(request), page=params.request())
    return page_out(page, _mine("workspace", _workspace))


@router.get("/workspaces/{workspace_id}", response=s.WorkspaceOut, openapi_extra=HEADER)
def workspace_get(request: HttpRequest, workspace_id: str) -> Any:
    ws, role = services().workspaces().get(ctx=ctx_of(request), workspace_id=workspace_id)
    return _ws_out(ws, role)


@router.patch("/workspaces/{workspace_id}", response=s.WorkspaceOut, openapi_extra=HEADER)
def workspace_update(request: HttpRequest, workspace_id: str, body: s.WorkspacePatch) -> Any:
    ws = (
        services()
        .workspaces()
        .update(
            ctx=ctx_of(request),
            workspace_id=workspace_id,
            expected_version=if_match(request),
            **body.dict(exclude_unset=True),
        )
    )
    return _ws_out(ws)


@router.post("/workspaces/{workspace_id}/archive", response=s.WorkspaceOut, openapi_extra=HEADER)
def workspace_archive(request: HttpRequest, workspace_id: str) -> Any:
    service_ = services().workspaces()
    ws = service_.archive(
        ctx=ctx_of(request), workspace_id=workspace_id, expected_version=if_match(request)
    )
    return _ws_out(ws)


@router.post("/workspaces/{workspace_id}/restore", response=s.WorkspaceOut, openapi_extra=HEADER)
def workspace_restore(request: HttpRequest, workspace_id: str) -> Any:
    service_ = services().workspaces()
    ws = service_.restore(
        ctx=ctx_of(request), workspace_id=workspace_id, expected_version=if_match(request)
    )
    return _ws_out(ws)


@router.delete("/workspaces/{workspace_id}", response={204: None}, openapi_extra=HEADER)
def workspace_delete(request: HttpRequest, workspace_id: str) -> Any:
    services().workspaces().delete(
        ctx=ctx_of(request), workspace_id=workspace_id, expected_version=if_match(request)
    )
    return HttpResponse(status=204)


# -- projects -----------------------------------------------------------------------------------


@router.post(
    "/workspaces/{workspace_id}/projects", response={201: s.ProjectOut}, openapi_extra=CREATING
)
@idempotent()
def project_create(request: HttpRequest, workspace_id: str, body: s.ProjectIn) -> Any:
    project = (
        services().projects().create(ctx=ctx_of(request), workspace_id=workspace_id, **body.dict())
    )
    return _project_out(project, "admin", status=201)


@router.get(
    "/workspaces/{workspace_id}/projects", response=PageOut[s.ProjectOut], openapi_extra=HEADER
)
def project_list(
    request: HttpRequest,
    workspace_id: str,
    params: Query[PageParams],
    filters: Query[s.ProjectListParams],
) -> Any:
    page = (
        services()
        .projects()
        .list_workspace(
            ctx=ctx_of(request),
            workspace_id=workspace_id,
            page=params.request(),
            status=filters.status,
            tag=filters.tag,
        )
    )
    return page_out(page, _project)


@router.get("/projects", response=PageOut[s.MyProjectOut], openapi_extra=HEADER)
def project_list_mine(request: HttpRequest, params: Query[PageParams]) -> Any:
    page = services().projects().list_mine(ctx=ctx_of(request), page=params.request())
    return page_out(page, _mine("project", _project))


@router.get("/projects/{project_id}", response=s.ProjectOut, openapi_extra=HEADER)
def project_get(request: HttpRequest, project_id: str) -> Any:
    project, role = services().projects().get(ctx=ctx_of(request), project_id=project_id)
    return _project_out(project, role)


@router.patch("/projects/{project_id}", response=s.ProjectOut, openapi_extra=HEADER)
def project_update(request: HttpRequest, project_id: str, body: s.ProjectPatch) -> Any:
    project = (
        services()
        .projects()
        .update(
            ctx=ctx_of(request),
            project_id=project_id,
            expected_version=if_match(request),
            **body.dict(exclude_unset=True),
        )
    )
    return _project_out(project)


@router.post("/projects/{project_id}/archive", response=s.ProjectOut, openapi_extra=HEADER)
def project_archive(request: HttpRequest, project_id: str) -> Any:
    project = (
        services()
        .projects()
        .archive(ctx=ctx_of(request), project_id=project_id, expected_version=if_match(request))
    )
    return _project_out(project)


@router.post("/projects/{project_id}/restore", response=s.ProjectOut, openapi_extra=HEADER)
def project_restore(request: HttpRequest, project_id: str) -> Any:
    project = (
        services()
        .projects()
        .restore(ctx=ctx_of(request), project_id=project_id, expected_version=if_match(request))
    )
    return _project_out(project)


@router.post("/projects/{project_id}/move", response=s.ProjectOut, openapi_extra=HEADER)
def project_move(request: HttpRequest, project_id: str, body: s.ProjectMoveIn) -> Any:
    project = (
        services()
        .projects()
        .move(
            ctx=ctx_of(request),
            project_id=project_id,
            workspace_id=body.workspace_id,
            expected_version=if_match(request),
        )
    )
    return _project_out(project)


@router.delete("/projects/{project_id}", response={204: None}, openapi_extra=HEADER)
def project_delete(request: HttpRequest, project_id: str) -> Any:
    services().projects().delete(
        ctx=ctx_of(request), project_id=project_id, expected_version=if_match(request)
    )
    return HttpResponse(status=204)
