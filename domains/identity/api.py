"""The identity routers: /auth, /me and /organizations. Thin: parse, call a service, shape."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.identity import schemas as s
from domains.identity.model import Membership, Organization, User
from domains.identity.services.auth import ClientInfo, TokenPair
from domains.shared.api import PageOut, PageParams, if_match, json_response, page_out
from domains.shared.api_idempotency import idempotency_header, idempotent
from domains.shared.web import principal_of, request_id_of, service, tenant_of

auth_router = Router(tags=["auth"])
me_router = Router(tags=["me"])
org_router = Router(tags=["organizations"])


def _client(request: HttpRequest) -> ClientInfo:
    return ClientInfo(
        ip=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.headers.get("User-Agent", ""),
        request_id=request_id_of(request),
    )


def _tokens(pair: TokenPair) -> dict[str, Any]:
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "expires_in": pair.expires_in,
    }


def _user(user: User) -> dict[str, Any]:
    return {**asdict(user), "preferences": asdict(user.preferences)}


def _org(org: Organization) -> dict[str, Any]:
    return asdict(org)


def _member(m: Membership) -> dict[str, Any]:
    return {"user_id": m.user_id, "role": m.role, "joined_at": m.joined_at, "version": m.version}


# -- /auth --------------------------------------------------------------------------------------


@auth_router.post("/register", response={201: s.UserOut}, auth=None)
def register(request: HttpRequest, body: s.RegisterIn) -> Any:
    user = (
        service("identity")
        .auth()
        .register(
            email=body.email,
            password=body.password,
            display_name=body.display_name,
            client=_client(request),
        )
    )
    return json_response(_user(user), schema=s.UserOut, status=201, version=user.version)


@auth_router.post("/login", response=s.TokenOut, auth=None)
def login(request: HttpRequest, body: s.LoginIn) -> Any:
    return _tokens(
        service("identity")
        .auth()
        .login(email=body.email, password=body.password, client=_client(request))
    )


@auth_router.post("/refresh", response=s.TokenOut, auth=None)
def refresh(request: HttpRequest, body: s.RefreshIn) -> Any:
    return _tokens(
        service("identity")
        .auth()
        .refresh(refresh_token=body.refresh_token, client=_client(request))
    )


@auth_router.post("/logout", response={204: None})
def logout(request: HttpRequest) -> Any:
    principal = principal_of(request)
    service("identity").auth().logout(
        principal=principal, session_id=principal.session_id, client=_client(request)
    )
    return HttpResponse(status=204)


# -- /me ----------------------------------------------------------------------------------------


@me_router.get("", response=s.UserOut)
def me(request: HttpRequest) -> Any:
    user = service("identity").profiles().get(principal=principal_of(request))
    return json_response(_user(user), schema=s.UserOut, version=user.version)


@me_router.patch("", response=s.UserOut)
def me_update(request: HttpRequest, body: s.MePatch) -> Any:
    given = body.preferences.dict(exclude_unset=True) if body.preferences else {}
    # null clears only the default organisation; theme, locale and time zone keep a value
    prefs = {k: v for k, v in given.items() if v is not None or k == "default_org_id"} or None
    user = (
        service("identity")
        .profiles()
        .update(
            principal=principal_of(request),
            expected_version=if_match(request),
            display_name=body.display_name,
            preferences=prefs,
            request_id=request_id_of(request),
        )
    )
    return json_response(_user(user), schema=s.UserOut, version=user.version)


@me_router.get("/sessions", response=list[s.SessionOut])
def my_sessions(request: HttpRequest) -> Any:
    principal = principal_of(request)
    sessions = service("identity").auth().list_sessions(principal=principal)
    return [{**asdict(x), "current": x.id == principal.session_id} for x in sessions]


@me_router.delete("/sessions/{session_id}", response={204: None})
def revoke_session(request: HttpRequest, session_id: str) -> Any:
    service("identity").auth().revoke_session(
        principal=principal_of(request), session_id=session_id, client=_client(request)
    )
    return HttpResponse(status=204)


# -- /organizations -----------------------------------------------------------------------------


@org_router.post(
    "", response={201: s.OrganizationOut}, openapi_extra={"parameters": [idempotency_header()]}
)
@idempotent()
def organization_create(request: HttpRequest, body: s.OrganizationIn) -> Any:
    org = (
        service("identity")
        .organizations()
        .create(
            principal=principal_of(request),
            name=body.name,
            description=body.description,
            request_id=request_id_of(request),
        )
    )
    return json_response(_org(org), schema=s.OrganizationOut, status=201, version=org.version)


@org_router.get("", response=PageOut[s.MyOrganizationOut])
def organization_list_mine(request: HttpRequest, params: Query[PageParams]) -> Any:
    page = (
        service("identity")
        .organizations()
        .list_mine(principal=principal_of(request), page=params.request())
    )
    return page_out(page, lambda pair: {"organization": _org(pair[0]), "role": pair[1]})


@org_router.get("/{org_id}", response=s.OrganizationOut)
def organization_get(request: HttpRequest, org_id: str) -> Any:
    org = service("identity").organizations().get(ctx=tenant_of(request, org_id))
    return json_response(_org(org), schema=s.OrganizationOut, version=org.version)


@org_router.patch("/{org_id}", response=s.OrganizationOut)
def organization_update(request: HttpRequest, org_id: str, body: s.OrganizationPatch) -> Any:
    org = (
        service("identity")
        .organizations()
        .update(
            ctx=tenant_of(request, org_id),
            expected_version=if_match(request),
            name=body.name,
            description=body.description,
        )
    )
    return json_response(_org(org), schema=s.OrganizationOut, version=org.version)


@org_router.get("/{org_id}/members", response=PageOut[s.MemberOut])
def member_list(request: HttpRequest, org_id: str, params: Query[PageParams]) -> Any:
    page = (
        service("identity")
        .memberships()
        .list(ctx=tenant_of(request, org_id), page=params.request())
    )
    return page_out(page, _member)


@org_router.patch("/{org_id}/members/{user_id}", response=s.MemberOut)
def member_change_role(request: HttpRequest, org_id: str, user_id: str, body: s.RoleIn) -> Any:
    member = (
        service("identity")
        .memberships()
        .change_role(
            ctx=tenant_of(request, org_id),
            user_id=user_id,
            role=body.role,
            expected_version=if_match(request),
        )
    )
    return json_response(_member(member), schema=s.MemberOut, version=member.version)


@org_router.delete("/{org_id}/members/{user_id}", response={204: None})
def member_remove(request: HttpRequest, org_id: str, user_id: str) -> Any:
    service("identity").memberships().remove(ctx=tenant_of(request, org_id), user_id=user_id)
    return HttpResponse(status=204)
