"""The API kit every context's api.py shares: cursor pages, ETag / If-Match, errors, and the
OpenAPI description of the tenant header."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.responses import Response
from pydantic import Field

from domains.shared.errors import PreconditionFailed
from domains.shared.pagination import MAX_PAGE_SIZE, Page, PageRequest
from domains.shared.web import ORG_HEADER

T = TypeVar("T")


class PageParams(Schema):
    limit: int = Field(25, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, max_length=2048)

    def request(self) -> PageRequest:
        return PageRequest(self.limit, self.cursor)


class PageOut(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def page_out(page: Page[Any], convert: Any) -> dict[str, Any]:
    return {"items": [convert(item) for item in page.items], "next_cursor": page.next_cursor}


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(response: HttpResponse, version: int) -> HttpResponse:
    response["ETag"] = etag(version)
    return response


def json_response(
    body: Any, *, schema: type[Schema], status: int = 200, version: int | None = None
) -> HttpResponse:
    """A JSON answer shaped by `schema` (a ready Response skips ninja's response schema, so
    this is where fields the schema does not name are dropped), with the ETag of `version`."""
    response = Response(schema.model_validate(body).model_dump(), status=status)
    return with_etag(response, version) if version is not None else response


def if_match(request: HttpRequest) -> int | None:
    """The version a client says it changes (`If-Match: "3"`); None when absent or `*`."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    value = raw.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise PreconditionFailed("If-Match must be an ETag this API returned")
    return int(value)


def tenant_header(*more: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` of an operation whose tenant is the X-Organization-Id header (not an
    `{org_id}` in its path): documents the header that `web.tenant_of` reads and requires,
    followed by the operation's `more` parameters."""
    parameter = {
        "in": "header",
        "name": ORG_HEADER,
        "required": True,
        "description": "The organisation acted in (its id); another organisation's is 404.",
        "schema": {"type": "string", "minLength": 1},
    }
    return {"parameters": [parameter, *more]}
