"""The /content router: presigned uploads, confirmation, downloads, lists and deletion.

Every operation acts in the organisation named by the X-Organization-Id header. Handlers
return plain data (never a ready HttpResponse), so ninja shapes every answer through its
response schema; the ETag goes on the temporal `response` ninja hands the handler.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from domains.identity.model import Content
from domains.identity.ports import PresignedRequest
from domains.shared.api import (
    PageOut,
    PageParams,
    etag,
    if_match,
    json_response,
    page_out,
    tenant_header,
)
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.web import service, tenant_of

content_router = Router(tags=["content"])

# S3 takes at most 5 GiB in one PUT; the configured limit (422 past it) is usually far lower.
_S3_PUT_LIMIT = 5 * 1024**3


class ContentUploadIn(Schema):
    filename: str = Field(..., min_length=1, max_length=255)
    content_type: str = Field(..., min_length=1, max_length=255)
    size: int = Field(..., ge=1, le=_S3_PUT_LIMIT)


class PresignedOut(Schema):
    url: str
    method: str
    headers: dict[str, str]
    expires_in: int


class ContentOut(Schema):
    id: str
    org_id: str
    owner_id: str
    filename: str
    content_type: str
    size: int
    status: str
    created_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None = None
    expires_at: datetime | None = None
    version: int
    download: PresignedOut | None = None


class ContentUploadOut(ContentOut):
    upload: PresignedOut


class ContentListParams(PageParams):
    mine: bool = False


def _presigned(request: PresignedRequest) -> dict[str, Any]:
    return {
        "url": request.url,
        "method": request.method,
        "headers": request.headers,
        "expires_in": request.expires_in,
    }


def _content(content: Content) -> dict[str, Any]:
    return {
        "id": content.id,
        "org_id": content.org_id,
        "owner_id": content.owner_id,
        "filename": content.filename,
        "content_type": content.content_type,
        "size": content.size,
        "status": content.status,
        "created_at": content.created_at,
        "updated_at": content.updated_at,
        "confirmed_at": content.confirmed_at,
        "expires_at": content.expires_at,
        "version": content.version,
    }


def _versioned(response: HttpResponse, content: Content) -> dict[str, Any]:
    response["ETag"] = etag(content.version)
    return _content(content)


@content_router.post(
    "/uploads",
    response={201: ContentUploadOut},
    openapi_extra=tenant_header(idempotency_header()),
)
@idempotent()
def content_upload(request: HttpRequest, body: ContentUploadIn) -> Any:
    content, upload = (
        service("identity")
        .content()
        .request_upload(
            ctx=tenant_of(request),
            filename=body.filename,
            content_type=body.content_type,
            size=body.size,
        )
    )
    return json_response(
        {**_content(content), "upload": _presigned(upload)},
        schema=ContentUploadOut,
        status=201,
        version=content.version,
    )


@content_router.post("/{content_id}/confirm", response=ContentOut, openapi_extra=tenant_header())
def content_confirm(request: HttpRequest, content_id: str, response: HttpResponse) -> Any:
    content = (
        service("identity")
        .content()
        .confirm(ctx=tenant_of(request), content_id=content_id, expected_version=if_match(request))
    )
    return _versioned(response, content)


@content_router.get("", response=PageOut[ContentOut], openapi_extra=tenant_header())
def content_list(request: HttpRequest, params: Query[ContentListParams]) -> Any:
    page = (
        service("identity")
        .content()
        .list(ctx=tenant_of(request), page=params.request(), mine=params.mine)
    )
    return page_out(page, _content)


@content_router.get("/{content_id}", response=ContentOut, openapi_extra=tenant_header())
def content_get(request: HttpRequest, content_id: str, response: HttpResponse) -> Any:
    content, download = (
        service("identity").content().get(ctx=tenant_of(request), content_id=content_id)
    )
    return {**_versioned(response, content), "download": download and _presigned(download)}


@content_router.delete("/{content_id}", response={204: None}, openapi_extra=tenant_header())
def content_delete(request: HttpRequest, content_id: str) -> Any:
    service("identity").content().delete(
        ctx=tenant_of(request), content_id=content_id, expected_version=if_match(request)
    )
    return HttpResponse(status=204)
