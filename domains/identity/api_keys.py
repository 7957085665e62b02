"""The API-key router: /organizations/{org_id}/api-keys. Thin: parse, call the service, shape."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.identity import schemas as s
from domains.identity.model import ApiKey
from domains.shared.api import PageOut, PageParams, json_response, page_out
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.web import service, tenant_of

router = Router(tags=["api-keys"])


def _key(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "permissions": sorted(key.permissions),
        "created_at": key.created_at,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
        "created_by": key.created_by,
    }


@router.post(
    "/{org_id}/api-keys",
    response={201: s.ApiKeyCreatedOut},
    openapi_extra={"parameters": [idempotency_header()]},
)
@idempotent(replay=False)  # the answer holds the key's secret: never stored
def api_key_create(request: HttpRequest, org_id: str, body: s.ApiKeyIn) -> Any:
    issued = (
        service("identity")
        .api_keys()
        .create(
            ctx=tenant_of(request, org_id),
            name=body.name,
            permissions=[p.value for p in body.permissions],
            expires_at=body.expires_at,
        )
    )
    response = json_response(
        {**_key(issued.key), "key": issued.token}, schema=s.ApiKeyCreatedOut, status=201
    )
    response["Cache-Control"] = "no-store"  # the secret is in this body, and only here
    return response


@router.get("/{org_id}/api-keys", response=PageOut[s.ApiKeyOut])
def api_key_list(request: HttpRequest, org_id: str, params: Query[PageParams]) -> Any:
    page = (
        service("identity").api_keys().list(ctx=tenant_of(request, org_id), page=params.request())
    )
    return page_out(page, _key)


@router.delete("/{org_id}/api-keys/{key_id}", response={204: None})
def api_key_revoke(request: HttpRequest, org_id: str, key_id: str) -> Any:
    service("identity").api_keys().revoke(ctx=tenant_of(request, org_id), key_id=key_id)
    return HttpResponse(status=204)
