"""The invitations router: invite, list, revoke (per organisation), accept, and mine."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Response

from domains.identity import schemas as s
from domains.identity.model import Invitation, Organization
from domains.shared.api import PageOut, PageParams, page_out
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.web import principal_of, request_id_of, service, tenant_of

router = Router(tags=["invitations"])


def _invitation(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": invitation.role,
        "invited_by": invitation.invited_by,
        "created_at": invitation.created_at,
        "expires_at": invitation.expires_at,
    }


def _mine(pair: tuple[Invitation, Organization]) -> dict[str, Any]:
    invitation, org = pair
    return {
        **_invitation(invitation),
        "org_id": org.id,
        "organization_name": org.name,
    }


@router.post(
    "/organizations/{org_id}/invitations",
    response={201: s.InvitationCreatedOut},
    openapi_extra={"parameters": [idempotency_header()]},
)
@idempotent(replay=False)  # the answer holds the invitation's token: never stored
def invitation_create(request: HttpRequest, org_id: str, body: s.InvitationIn) -> Any:
    issued = (
        service("identity")
        .invitations()
        .create(ctx=tenant_of(request, org_id), email=body.email, role=body.role)
    )
    return Response({**_invitation(issued.invitation), "token": issued.token}, status=201)


@router.get("/organizations/{org_id}/invitations", response=PageOut[s.InvitationOut])
def invitation_list(request: HttpRequest, org_id: str, params: Query[PageParams]) -> Any:
    page = (
        service("identity")
        .invitations()
        .list_pending(ctx=tenant_of(request, org_id), page=params.request())
    )
    return page_out(page, _invitation)


@router.delete("/organizations/{org_id}/invitations/{invitation_id}", response={204: None})
def invitation_revoke(request: HttpRequest, org_id: str, invitation_id: str) -> Any:
    service("identity").invitations().revoke(
        ctx=tenant_of(request, org_id), invitation_id=invitation_id
    )
    return HttpResponse(status=204)


@router.post("/invitations/accept", response=s.AcceptedInvitationOut)
def invitation_accept(request: HttpRequest, body: s.AcceptInvitationIn) -> Any:
    membership = (
        service("identity")
        .invitations()
        .accept(
            principal=principal_of(request), token=body.token, request_id=request_id_of(request)
        )
    )
    return {"org_id": membership.org_id, "role": membership.role}


@router.get("/me/invitations", response=PageOut[s.MyInvitationOut])
def my_invitations(request: HttpRequest, params: Query[PageParams]) -> Any:
    page = (
        service("identity")
        .invitations()
        .list_mine(principal=principal_of(request), page=params.request())
    )
    return page_out(page, _mine)
