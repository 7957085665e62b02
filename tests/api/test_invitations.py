"""Invitations over HTTP: invite, list, revoke, accept by token, mine; 401/403/404/409/422."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domains.shared.ids import new_id


def _invite(owner, email: str, role: str = "member"):  # type: ignore[no-untyped-def]
    return owner.call(
        "POST", f"/api/organizations/{owner.org_id}/invitations", {"email": email, "role": role}
    )


def _accept(user, token: str):  # type: ignore[no-untyped-def]
    return user.call("POST", "/api/invitations/accept", {"token": token})


def _join(owner, user, role: str) -> None:  # type: ignore[no-untyped-def]
    """`user` becomes a member of `owner`'s organisation through an invitation."""
    created = _invite(owner, user.email, role)
    assert created.status_code == 201, created.content
    assert _accept(user, created.json()["token"]).status_code == 200
    user.org_id = owner.org_id


def _audit_actions(org_id: str) -> list[str]:
    from nexus.container import container

    items = (
        container()
        .gateways.dynamo()
        .query(
            "system-logs",
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"ORG#{org_id}#AUDIT"}},
        )["Items"]
    )
    return sorted(i["action"]["S"] for i in items)


def test_invite_list_accept_happy_path(signup):  # type: ignore[no-untyped-def]
    ada, bob = signup("ada", org=True), signup("bob")
    created = _invite(ada, bob.email.upper(), "admin")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["email"], body["role"]) == (bob.email, "admin")
    assert body["token"] and body["expires_at"] and body["id"]

    listed = ada.call("GET", f"/api/organizations/{ada.org_id}/invitations").json()
    assert [i["id"] for i in listed["items"]] == [body["id"]] and listed["next_cursor"] is None
    assert "token" not in listed["items"][0]
    mine = bob.call("GET", "/api/me/invitations").json()["items"]
    assert [(i["id"], i["org_id"], i["organization_name"]) for i in mine] == [
        (body["id"], ada.org_id, "ada org")
    ]
    assert "token" not in mine[0]

    accepted = _accept(bob, body["token"])
    assert accepted.status_code == 200, accepted.content
    assert accepted.json() == {"org_id": ada.org_id, "role": "admin"}
    assert bob.call("GET", f"/api/organizations/{ada.org_id}").json()["member_count"] == 2
    members = ada.call("GET", f"/api/organizations/{ada.org_id}/members").json()["items"]
    assert {(m["user_id"], m["role"]) for m in members} == {
        (ada.user_id, "owner"),
        (bob.user_id, "admin"),
    }
    assert ada.call("GET", f"/api/organizations/{ada.org_id}/invitations").json()["items"] == []
    assert bob.call("GET", "/api/me/invitations").json()["items"] == []
    assert _audit_actions(ada.org_id) == [
        "invitation.accept",
        "invitation.create",
        "organization.create",
    ]


def test_accepting_twice_answers_409_and_counts_once(signup):  # type: ignore[no-untyped-def]
    ada, bob = signup("ada", org=True), signup("bob")
    token = _invite(ada, bob.email).json()["token"]
    assert _accept(bob, token).status_code == 200
    again = _accept(bob, token)
    assert again.status_code == 409 and "already accepted" in again.json()["detail"]
    assert ada.call("GET", f"/api/organizations/{ada.org_id}").json()["member_count"] == 2
    assert _audit_actions(ada.org_id).count("invitation.accept") == 1


def test_a_lost_race_to_accept_rolls_back_whole(signup):  # type: ignore[no-untyped-def]
    """Two accepts that both read the invitation as pending: the second transaction is
    cancelled by the condition on the invitation's status, so nothing is counted twice."""
    from domains.identity.model import Membership
    from domains.identity.services.tokens import digest
    from domains.shared.clock import SystemClock
    from domains.shared.errors import Conflict
    from nexus.container import container

    ada, bob = signup("ada", org=True), signup("bob")
    token = _invite(ada, bob.email).json()["token"]
    make_uow = container().identity.uow()
    first, second = make_uow(), make_uow()
    with first, second:
        seen = [uow.invitations.get_by_token_hash(digest(token)) for uow in (first, second)]
        now = SystemClock().now()
        for uow, invitation in zip((first, second), seen, strict=True):
            uow.invitations.accept(invitation, user_id=bob.user_id, at=now)
            uow.memberships.add(Membership(ada.org_id, bob.user_id, invitation.role, now))
        first.commit()
        with pytest.raises(Conflict):
            second.commit()
    assert ada.call("GET", f"/api/organizations/{ada.org_id}").json()["member_count"] == 2


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "a@example.com"},
        {"role": "member"},
        {"email": "not an e-mail", "role": "member"},
        {"email": "a@example.com", "role": "king"},
        {"email": "a@example.com", "role": 5},
    ],
)
def test_invite_rejects_bad_input_with_422(signup, body):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    response = ada.call("POST", f"/api/organizations/{ada.org_id}/invitations", body)
    assert response.status_code == 422, response.content


@pytest.mark.parametrize("body", [{}, {"token": ""}, {"token": "x" * 513}])
def test_accept_rejects_bad_input_with_422(signup, body):  # type: ignore[no-untyped-def]
    assert signup("bob").call("POST", "/api/invitations/accept", body).status_code == 422


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_cannot_invite(signup, role):  # type: ignore[no-untyped-def]
    ada, vic = signup("ada", org=True), signup("vic")
    _join(ada, vic, role)
    assert _invite(vic, "x@example.com", "viewer").status_code == 403
    assert vic.call("GET", f"/api/organizations/{ada.org_id}/invitations").status_code == 403
    pending = _invite(ada, "y@example.com").json()["id"]
    path = f"/api/organizations/{ada.org_id}/invitations/{pending}"
    assert vic.call("DELETE", path).status_code == 403


def test_only_an_owner_invites_an_owner(signup):  # type: ignore[no-untyped-def]
    ada, bob = signup("ada", org=True), signup("bob")
    _join(ada, bob, "admin")
    assert _invite(bob, "x@example.com", "owner").status_code == 403
    assert _invite(bob, "x@example.com", "admin").status_code == 201
    assert _invite(ada, "y@example.com", "owner").status_code == 201


def test_other_organisations_answer_404(signup):  # type: ignore[no-untyped-def]
    ada, eve = signup("ada", org=True), signup("eve", org=True)
    invitation = _invite(ada, "x@example.com").json()["id"]
    base = f"/api/organizations/{ada.org_id}/invitations"
    for method, path, body in [
        ("POST", base, {"email": "spy@example.com", "role": "owner"}),
        ("GET", base, None),
        ("DELETE", f"{base}/{invitation}", None),
    ]:
        assert eve.call(method, path, body).status_code == 404, (method, path)
    # ada's invitation id under eve's own organisation is not found either
    own = f"/api/organizations/{eve.org_id}/invitations"
    assert eve.call("DELETE", f"{own}/{invitation}").status_code == 404
    assert eve.call("DELETE", f"{own}/{new_id()}").status_code == 404
    assert eve.call("DELETE", f"{own}/not-an-id").status_code == 404
    assert [i["id"] for i in ada.call("GET", base).json()["items"]] == [invitation]


def test_every_endpoint_needs_authentication(stack, http):  # type: ignore[no-untyped-def]
    org = f"/api/organizations/{new_id()}/invitations"
    for method, path in [
        ("post", org),
        ("get", org),
        ("delete", f"{org}/{new_id()}"),
        ("post", "/api/invitations/accept"),
        ("get", "/api/me/invitations"),
    ]:
        response = getattr(http, method)(path, {}, content_type="application/json")
        assert response.status_code == 401, (method, path)


def test_only_the_addressee_can_accept(signup):  # type: ignore[no-untyped-def]
    ada, bob, eve = signup("ada", org=True), signup("bob"), signup("eve")
    token = _invite(ada, bob.email).json()["token"]
    stolen = _accept(eve, token)
    assert stolen.status_code == 403 and "another e-mail" in stolen.json()["detail"]
    assert eve.call("GET", "/api/me/invitations").json()["items"] == []
    assert eve.call("GET", f"/api/organizations/{ada.org_id}").status_code == 404
    assert _accept(eve, "no-such-token").status_code == 404
    assert _accept(bob, token).status_code == 200


def test_an_expired_invitation_answers_404(signup):  # type: ignore[no-untyped-def]
    """Created through the service with a clock eight days back: its expiry has passed."""
    from domains.identity.services.invitations import InvitationService
    from domains.shared.clock import FixedClock, SystemClock
    from domains.shared.tenancy import Principal
    from nexus.container import container

    ada, bob = signup("ada", org=True), signup("bob")
    identity = container().identity
    owner = identity.tenancy().resolve(Principal(ada.user_id), ada.org_id)
    past = FixedClock(SystemClock().now() - timedelta(days=8))
    issued = InvitationService(uow=identity.uow(), clock=past).create(
        ctx=owner, email=bob.email, role="member"
    )
    expired = _accept(bob, issued.token)
    assert expired.status_code == 404 and "expired" in expired.json()["detail"]
    assert ada.call("GET", f"/api/organizations/{ada.org_id}/invitations").json()["items"] == []
    assert bob.call("GET", "/api/me/invitations").json()["items"] == []
    assert ada.call("GET", f"/api/organizations/{ada.org_id}").json()["member_count"] == 1
    assert _invite(ada, bob.email).status_code == 201  # a new one may be sent


def test_revoked_invitations_cannot_be_accepted(signup):  # type: ignore[no-untyped-def]
    ada, bob = signup("ada", org=True), signup("bob")
    body = _invite(ada, bob.email).json()
    path = f"/api/organizations/{ada.org_id}/invitations/{body['id']}"
    assert ada.call("DELETE", path).status_code == 204
    assert ada.call("DELETE", path).status_code == 204  # revoking again changes nothing
    revoked = _accept(bob, body["token"])
    assert revoked.status_code == 409 and "revoked" in revoked.json()["detail"]
    assert ada.call("GET", f"/api/organizations/{ada.org_id}/invitations").json()["items"] == []
    assert bob.call("GET", "/api/me/invitations").json()["items"] == []
    assert _audit_actions(ada.org_id).count("invitation.revoke") == 1


def test_members_and_duplicates_are_not_invited_twice(signup):  # type: ignore[no-untyped-def]
    ada, bob = signup("ada", org=True), signup("bob")
    assert _invite(ada, ada.email).status_code == 409
    assert _invite(ada, bob.email).status_code == 201
    assert _invite(ada, bob.email, "admin").status_code == 409


def test_invitation_lists_page_with_a_cursor(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    ids = [_invite(ada, f"p{n}@example.com").json()["id"] for n in range(3)]
    base = f"/api/organizations/{ada.org_id}/invitations?limit=2"
    first = ada.call("GET", base).json()
    second = ada.call("GET", f"{base}&cursor={first['next_cursor']}").json()
    assert [i["id"] for i in first["items"] + second["items"]] == ids
    assert second["next_cursor"] is None
