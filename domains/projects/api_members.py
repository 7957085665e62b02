"""Members and pins of workspaces and projects: one set of routes per scope, built once.

GET    /{scope}s/{id}/members            list (viewer)
POST   /{scope}s/{id}/members            add an organisation member with a role (admin)
PATCH  /{scope}s/{id}/members/{user_id}  change the role (admin; If-Match)
DELETE /{scope}s/{id}/members/{user_id}  remove (admin), or leave (yourself)
PUT    /{scope}s/{id}/pin                pin to my dashboard (members)
DELETE /{scope}s/{id}/pin                unpin
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.projects import schemas as s
from domains.projects.api import CREATING, HEADER, ctx_of, services
from domains.shared.api import PageOut, PageParams, if_match, json_response, page_out
from domains.shared.api_idempotency import idempotent

router = Router(tags=["project members"])


def _routes(scope: str, service_name: str) -> None:
    base = f"/{scope}s/{{resource_id}}"

    def members() -> Any:
        return getattr(services(), service_name)()

    def out(member: Any, status: int = 200) -> HttpResponse:
        return json_response(
            asdict(member), schema=s.ResourceMemberOut, status=status, version=member.version
        )

    @router.get(
        f"{base}/members",
        response=PageOut[s.ResourceMemberOut],
        openapi_extra=HEADER,
        operation_id=f"{scope}_member_list",
    )
    def member_list(request: HttpRequest, resource_id: str, params: Query[PageParams]) -> Any:
        page = members().list(ctx=ctx_of(request), resource_id=resource_id, page=params.request())
        return page_out(page, asdict)

    @router.post(
        f"{base}/members",
        response={201: s.ResourceMemberOut},
        openapi_extra=CREATING,
        operation_id=f"{scope}_member_add",
    )
    @idempotent()
    def member_add(request: HttpRequest, resource_id: str, body: s.ResourceMemberIn) -> Any:
        member = members().add(
            ctx=ctx_of(request), resource_id=resource_id, user_id=body.user_id, role=body.role
        )
        return out(member, 201)

    @router.patch(
        f"{base}/members/{{user_id}}",
        response=s.ResourceMemberOut,
        openapi_extra=HEADER,
        operation_id=f"{scope}_member_change_role",
    )
    def member_change_role(
        request: HttpRequest, resource_id: str, user_id: str, body: s.RolePatch
    ) -> Any:
        member = members().change_role(
            ctx=ctx_of(request),
            resource_id=resource_id,
            user_id=user_id,
            role=body.role,
            expected_version=if_match(request),
        )
        return out(member)

    @router.delete(
        f"{base}/members/{{user_id}}",
        response={204: None},
        openapi_extra=HEADER,
        operation_id=f"{scope}_member_remove",
    )
    def member_remove(request: HttpRequest, resource_id: str, user_id: str) -> Any:
        members().remove(ctx=ctx_of(request), resource_id=resource_id, user_id=user_id)
        return HttpResponse(status=204)

    @router.put(
        f"{base}/pin",
        response=s.ResourceMemberOut,
        openapi_extra=HEADER,
        operation_id=f"{scope}_pin",
    )
    def pin(request: HttpRequest, resource_id: str) -> Any:
        return out(members().pin(ctx=ctx_of(request), resource_id=resource_id, pinned=True))

    @router.delete(
        f"{base}/pin",
        response=s.ResourceMemberOut,
        openapi_extra=HEADER,
        operation_id=f"{scope}_unpin",
    )
    def unpin(request: HttpRequest, resource_id: str) -> Any:
        return out(members().pin(ctx=ctx_of(request), resource_id=resource_id, pinned=False))


_routes("workspace", "workspace_members")
_routes("project", "project_members")
