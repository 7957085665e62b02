"""Staff add and delete users in the admin, through the identity services, over the real
container (moto in-process)."""

from __future__ import annotations

import re

from django.test import Client

from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal
from nexus.container import container
from tests.api.conftest import PASSWORD

ADD = "/admin/identity/users/add/"


def _add_form(**changes: str) -> dict[str, str]:
    values = {
        "email": "added@example.com",
        "display_name": "Added",
        "password": PASSWORD,
        "is_staff": "on",
        "_version": "0",
    }
    return {k: v for k, v in (values | changes).items() if v is not None}


def test_the_add_form_asks_for_email_name_password_and_staff(admin_client):  # type: ignore[no-untyped-def]
    form = admin_client.get(ADD).content.decode()
    for name in ("email", "display_name", "password", "is_staff"):
        assert f'name="{name}"' in form
    assert 'type="password"' in form and 'name="is_active"' not in form


def test_staff_add_a_user_who_then_signs_in(admin_client, staff):  # type: ignore[no-untyped-def]
    added = admin_client.post(ADD, _add_form())
    assert added.status_code == 302, added.content
    listed = admin_client.get(added["Location"]).content.decode()
    assert "Saved users" in listed
    signed_in = Client().post(
        "/api/auth/login",
        {"email": "added@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    assert signed_in.status_code == 200
    admin = Client().post("/admin/login/", {"username": "added@example.com", "password": PASSWORD})
    assert admin.status_code == 302  # the staff flag was set
    log = (
        container()
        .identity.staff_tenants()
        .audit_log(principal=Principal(staff.id, is_staff=True), page=PageRequest(5))
    )
    assert "staff.user.create" in [e.action for e in log.items]
    staff_service = container().identity.staff()
    [added_user] = staff_service.find_users(
        principal=Principal(staff.id, is_staff=True), text="added@example.com"
    )
    change = admin_client.get(f"/admin/identity/users/{added_user.id}/change/")
    body = change.content.decode()
    assert change.status_code == 200 and added_user.is_staff
    assert 'name="password"' not in body and 'name="is_active"' in body


def test_a_bad_new_user_shows_field_errors_and_keeps_the_input(admin_client):  # type: ignore[no-untyped-def]
    weak = admin_client.post(ADD, _add_form(password="short"))
    assert weak.status_code == 200
    assert "at least 10 characters" in weak.content.decode()
    assert 'value="added@example.com"' in weak.content.decode()
    taken = admin_client.post(ADD, _add_form(email="root@example.com"))
    assert "an account with this e-mail exists" in taken.content.decode()
    bad = admin_client.post(ADD, _add_form(email="nope"))
    assert "invalid e-mail" in bad.content.decode()


def test_a_sole_owner_is_refused_on_the_confirmation_page(admin_client, signup):  # type: ignore[no-untyped-def]
    owner = signup("soleowner", org=True)
    url = f"/admin/identity/users/{owner.user_id}/delete/"
    confirm = admin_client.get(url).content.decode()
    assert "Are you sure" in confirm and "memberships" in confirm
    refused = admin_client.post(url, {"_version": "1"})
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "sole owner" in body and owner.org_id in body
    assert admin_client.get(f"/admin/identity/users/{owner.user_id}/change/").status_code == 200


def test_deleting_a_user_ends_everything_they_had(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner = signup("boss", org=True)
    staff_service = container().identity.staff()
    leaver = staff_service.create_staff(email="leaver@example.com", password=PASSWORD)
    browser = Client(REMOTE_ADDR="10.0.0.7")
    credentials = {"username": "leaver@example.com", "password": PASSWORD}
    assert browser.post("/admin/login/", credentials).status_code == 302
    api = Client(REMOTE_ADDR="10.0.0.8")
    tokens = api.post(
        "/api/auth/login",
        {"email": "leaver@example.com", "password": PASSWORD},
        content_type="application/json",
    ).json()
    container().identity.staff_tenants().add_member(
        principal=Principal(staff.id, is_staff=True),
        org_id=owner.org_id,
        user_id=leaver.id,
        role="admin",
    )
    key = api.post(
        f"/api/organizations/{owner.org_id}/api-keys",
        {"name": "ci", "permissions": ["org:read"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}",
    )
    assert key.status_code == 201, key.content
    org_path = f"/api/organizations/{owner.org_id}"
    assert api.get(org_path, HTTP_X_API_KEY=key.json()["key"]).status_code == 200

    deleted = admin_client.post(f"/admin/identity/users/{leaver.id}/delete/", {"_version": "1"})
    assert deleted.status_code == 302
    page = admin_client.get(deleted["Location"]).content.decode()
    assert f"Deleted users “{leaver.id}”" in page

    assert admin_client.get(f"/admin/identity/users/{leaver.id}/change/").status_code == 404
    assert browser.get("/admin/").status_code == 302  # signed out of the admin
    refresh = api.post(
        "/api/auth/refresh",
        {"refresh_token": tokens["refresh_token"]},
        content_type="application/json",
    )
    assert refresh.status_code == 401
    assert api.get(org_path, HTTP_X_API_KEY=key.json()["key"]).status_code == 401
    org = owner.call("GET", org_path).json()
    assert org["member_count"] == 1
    members = owner.call("GET", f"{org_path}/members").json()["items"]
    assert [m["user_id"] for m in members] == [owner.user_id]
    again = Client().post(
        "/api/auth/register",
        {"email": "leaver@example.com", "password": PASSWORD, "display_name": "back"},
        content_type="application/json",
    )
    assert again.status_code == 201
    log = (
        container()
        .identity.staff_tenants()
        .audit_log(principal=Principal(staff.id, is_staff=True), page=PageRequest(10))
    )
    final = next(e for e in log.items if e.action == "staff.user.delete")
    assert final.resource_id == leaver.id and final.details["revoked_sessions"] == 1
    assert final.details["organizations"] == [owner.org_id]
    assert final.details["revoked_api_keys"] == [key.json()["id"]]


def test_staff_cannot_delete_themselves(admin_client, staff):  # type: ignore[no-untyped-def]
    refused = admin_client.post(f"/admin/identity/users/{staff.id}/delete/", {"_version": "1"})
    assert "you cannot delete yourself" in refused.content.decode()
    assert admin_client.get("/admin/").status_code == 200


def test_a_user_list_row_links_to_a_change_page_with_a_delete_link(admin_client, signup):  # type: ignore[no-untyped-def]
    user = signup("linked")
    page = admin_client.get(f"/admin/identity/users/{user.user_id}/change/").content.decode()
    assert re.search(rf'href="/admin/identity/users/{user.user_id}/delete/"', page)
