"""/api/organizations and members: happy paths, 422, 403 per role, 404 across tenants, 412."""

from __future__ import annotations

import pytest

from domains.shared.ids import new_id
from tests.api.members import add_member as _add_member


def test_creator_becomes_owner_and_lists_it(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    org = ada.call("GET", f"/api/organizations/{ada.org_id}")
    assert org.status_code == 200 and org.json()["member_count"] == 1 and org["ETag"] == '"1"'
    mine = ada.call("GET", "/api/organizations").json()
    assert [(m["organization"]["id"], m["role"]) for m in mine["items"]] == [(ada.org_id, "owner")]
    members = ada.call("GET", f"/api/organizations/{ada.org_id}/members").json()["items"]
    assert [(m["user_id"], m["role"]) for m in members] == [(ada.user_id, "owner")]


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 121}, {"name": 5}])
def test_create_rejects_bad_input(signup, body):  # type: ignore[no-untyped-def]
    assert signup("ada").call("POST", "/api/organizations", body).status_code == 422


def test_update_needs_the_current_version_and_permission(signup):  # type: ignore[no-untyped-def]
    ada, vic = signup("ada", org=True), signup("vic")
    _add_member(ada, vic, "viewer")
    path = f"/api/organizations/{ada.org_id}"
    assert vic.call("PATCH", path, {"name": "Mine now"}).status_code == 403
    ok = ada.call("PATCH", path, {"name": "Renamed"}, **{"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.json()["name"] == "Renamed" and ok["ETag"] == '"2"'
    assert ada.call("PATCH", path, {"name": "Stale"}, **{"If-Match": '"1"'}).status_code == 412
    assert ada.call("GET", path).json()["member_count"] == 2  # ADD counter survives the update


def test_other_organisations_answer_404_on_every_endpoint(signup):  # type: ignore[no-untyped-def]
    ada, eve = signup("ada", org=True), signup("eve", org=True)
    base = f"/api/organizations/{ada.org_id}"
    for method, path, body in [
        ("GET", base, None),
        ("PATCH", base, {"name": "pwned"}),
        ("GET", f"{base}/members", None),
        ("PATCH", f"{base}/members/{ada.user_id}", {"role": "viewer"}),
        ("DELETE", f"{base}/members/{ada.user_id}", None),
    ]:
        assert eve.call(method, path, body).status_code == 404, (method, path)
    assert eve.call("GET", f"/api/organizations/{new_id()}").status_code == 404
    assert eve.call("GET", "/api/organizations/not-an-id").status_code == 404
    assert ada.call("GET", base).json()["name"] == "ada org"


def test_roles_and_the_last_owner_rule(signup):  # type: ignore[no-untyped-def]
    ada, bob, vic = signup("ada", org=True), signup("bob"), signup("vic")
    _add_member(ada, bob, "admin")
    _add_member(ada, vic, "member")
    members = f"/api/organizations/{ada.org_id}/members"
    assert vic.call("PATCH", f"{members}/{bob.user_id}", {"role": "viewer"}).status_code == 403
    assert bob.call("PATCH", f"{members}/{vic.user_id}", {"role": "owner"}).status_code == 403
    assert bob.call("PATCH", f"{members}/{vic.user_id}", {"role": "king"}).status_code == 422
    assert (
        bob.call("PATCH", f"{members}/{vic.user_id}", {"role": "viewer"}).json()["role"] == "viewer"
    )
    # the last owner can neither be demoted nor leave
    assert ada.call("PATCH", f"{members}/{ada.user_id}", {"role": "admin"}).status_code == 409
    assert ada.call("DELETE", f"{members}/{ada.user_id}").status_code == 409
    assert ada.call("PATCH", f"{members}/{bob.user_id}", {"role": "owner"}).status_code == 200
    assert ada.call("DELETE", f"{members}/{ada.user_id}").status_code == 204  # leave
    assert ada.call("GET", f"/api/organizations/{ada.org_id}").status_code == 404
    assert bob.call("GET", f"/api/organizations/{ada.org_id}").json()["member_count"] == 2


def test_every_mutation_leaves_exactly_one_audit_entry(signup):  # type: ignore[no-untyped-def]
    from nexus.container import container

    ada, vic = signup("ada", org=True), signup("vic")
    _add_member(ada, vic, "member")
    ada.call("PATCH", f"/api/organizations/{ada.org_id}", {"name": "Audited"})
    ada.call("PATCH", f"/api/organizations/{ada.org_id}/members/{vic.user_id}", {"role": "viewer"})
    vic.call("DELETE", f"/api/organizations/{ada.org_id}/members/{vic.user_id}")
    dynamo = container().gateways.dynamo()
    items = dynamo.query(
        "system-logs",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"ORG#{ada.org_id}#AUDIT"}},
    )["Items"]
    actions = sorted(i["action"]["S"] for i in items)
    assert actions == [
        "member.change_role",
        "member.leave",
        "organization.create",
        "organization.update",
    ]
