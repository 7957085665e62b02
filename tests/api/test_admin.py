"""The admin through Django's test client over the real container (moto in-process): sign-in,
sessions in `user-sessions`, change lists, forms, optimistic locking, actions, dashboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal
from nexus.container import container
from tests.api.conftest import PASSWORD, STAFF_EMAIL


def _principal(staff: Any) -> Principal:
    return Principal(staff.id, is_staff=True)


def _web_session_item(client: Client) -> dict[str, Any]:
    key = client.cookies["sessionid"].value
    dynamo = container().gateways.dynamo()
    found = dynamo.get_item(
        "user-sessions", Key={"pk": {"S": f"DJSESSION#{key}"}, "sk": {"S": "SESSION"}}
    )
    return dict(found.get("Item", {}))


def test_staff_sign_in_keeps_the_session_in_user_sessions_with_a_ttl(admin_client, staff):  # type: ignore[no-untyped-def]
    index = admin_client.get("/admin/")
    assert index.status_code == 200
    body = index.content.decode()
    for label in ("Users", "Organisations", "Members", "Sessions", "API keys", "Audit log"):
        assert label in body
    assert "Recent platform audit entries" in body and "staff.sign_in" in body
    item = _web_session_item(admin_client)
    assert item["user_id"]["S"] == staff.id
    assert int(item["expires_at"]["N"]) > 0


def test_non_staff_users_cannot_enter(stack, signup):  # type: ignore[no-untyped-def]
    member = signup("plain")
    client = Client()
    response = client.post("/admin/login/", {"username": member.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "correct e-mail and password for a staff account" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/identity/users/").status_code == 302


def test_logout_ends_the_session(admin_client):  # type: ignore[no-untyped-def]
    assert _web_session_item(admin_client)
    item_key = admin_client.cookies["sessionid"].value
    assert admin_client.post("/admin/logout/").status_code == 200
    dynamo = container().gateways.dynamo()
    gone = dynamo.get_item(
        "user-sessions", Key={"pk": {"S": f"DJSESSION#{item_key}"}, "sk": {"S": "SESSION"}}
    )
    assert "Item" not in gone
    assert admin_client.get("/admin/").status_code == 302


def test_login_needs_the_csrf_token(staff):  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/admin/login/", {"username": STAFF_EMAIL, "password": PASSWORD})
    assert refused.status_code == 403
    page = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    accepted = client.post(
        "/admin/login/",
        {"username": STAFF_EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
    )
    assert accepted.status_code == 302


def test_a_deactivated_staff_user_is_out_at_the_next_click(admin_client, staff):  # type: ignore[no-untyped-def]
    other = container().identity.staff().create_staff(email="two@example.com", password=PASSWORD)
    container().identity.staff().set_flags(
        principal=_principal(other), user_ids=[staff.id], is_active=False
    )
    assert admin_client.get("/admin/").status_code == 302


def test_the_user_list_pages_by_cursor_and_filters(admin_client, signup):  # type: ignore[no-untyped-def]
    for _ in range(6):
        signup("many")
    first = admin_client.get("/admin/identity/users/?limit=4")
    assert first.status_code == 200
    match = re.search(r'href="(\?[^"]*cursor=[^"]+)" id="next-page"', first.content.decode())
    assert match is not None
    second = admin_client.get("/admin/identity/users/" + match.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and "First page" in second.content.decode()
    first_ids = set(re.findall(r'value="([0-9A-Z]{26})"', first.content.decode()))
    second_ids = set(re.findall(r'value="([0-9A-Z]{26})"', second.content.decode()))
    assert len(first_ids) == 4 and second_ids and not first_ids & second_ids
    staff_only = admin_client.get("/admin/identity/users/?staff=yes").content.decode()
    assert STAFF_EMAIL in staff_only and "many" not in staff_only
    found = admin_client.get("/admin/identity/users/?q=" + STAFF_EMAIL.upper()).content.decode()
    assert STAFF_EMAIL in found


def _rows_and_links(client: Client, url: str) -> tuple[list[str], dict[str, str]]:
    """The user ids listed on a change-list page, and its paging links by id."""
    body = client.get(url.replace("&amp;", "&")).content.decode()
    rows = re.findall(r'name="_selected" value="([0-9A-Z]{26})"', body)
    links = dict(
        (name, "/admin/identity/users/" + href.replace("&amp;", "&"))
        for href, name in re.findall(r'href="(\?[^"]*)" id="(\w+-page)"', body)
    )
    return rows, links


def test_the_user_list_pages_forward_and_back(admin_client, signup):  # type: ignore[no-untyped-def]
    for _ in range(6):
        signup("pager")  # seven users with the staff user: pages of 2, 2, 2, 1
    one, one_links = _rows_and_links(admin_client, "/admin/identity/users/?limit=2&active=yes")
    two, two_links = _rows_and_links(admin_client, one_links["next-page"])
    three, three_links = _rows_and_links(admin_client, two_links["next-page"])
    assert "previous-page" not in one_links and "first-page" not in one_links
    assert len({*one, *two, *three}) == 6
    back_to_two, back_links = _rows_and_links(admin_client, three_links["previous-page"])
    assert back_to_two == two
    assert "active=yes" in back_links["previous-page"] and "limit=2" in back_links["next-page"]
    back_to_one, first_links = _rows_and_links(admin_client, back_links["previous-page"])
    assert back_to_one == one and "previous-page" not in first_links
    forward_again, _ = _rows_and_links(admin_client, back_links["next-page"])
    assert forward_again == three
    first, _ = _rows_and_links(admin_client, three_links["first-page"])
    assert first == one


def test_a_long_trail_forgets_the_oldest_pages_but_never_goes_back_wrong(
    admin_client, signup, monkeypatch
):  # type: ignore[no-untyped-def]
    from nexus.admin import views

    monkeypatch.setattr(views, "MAX_TRAIL", 1)
    for _ in range(4):
        signup("trail")
    one, one_links = _rows_and_links(admin_client, "/admin/identity/users/?limit=2")
    two, two_links = _rows_and_links(admin_client, one_links["next-page"])
    _, three_links = _rows_and_links(admin_client, two_links["next-page"])
    back, back_links = _rows_and_links(admin_client, three_links["previous-page"])
    assert back == two
    assert "previous-page" not in back_links  # page 1's place in the trail was dropped
    first, _ = _rows_and_links(admin_client, back_links["first-page"])
    assert first == one


def test_an_action_deactivates_users_and_is_audited(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    target = signup("target")
    response = admin_client.post(
        "/admin/identity/users/", {"action": "deactivated", "_selected": [target.user_id]}
    )
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "1 user(s) deactivated." in page
    user = (
        container().identity.staff().get_user(principal=_principal(staff), user_id=target.user_id)
    )
    assert user.is_active is False
    log = (
        container()
        .identity.staff_tenants()
        .audit_log(principal=_principal(staff), page=PageRequest(5))
    )
    assert log.items[0].action == "staff.user.update"


def test_a_stale_form_shows_a_conflict_and_keeps_the_input(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    url = f"/admin/identity/organizations/{owner.org_id}/change/"
    form = admin_client.get(url).content.decode()
    version = re.search(r'name="_version" value="(\d+)"', form)
    assert version is not None
    container().identity.staff_tenants().update_organization(
        principal=_principal(staff),
        org_id=owner.org_id,
        expected_version=int(version.group(1)),
        name="changed meanwhile",
        description="",
    )
    stale = admin_client.post(
        url, {"name": "my new name", "description": "mine", "_version": version.group(1)}
    )
    body = stale.content.decode()
    assert stale.status_code == 200
    assert "Someone changed this item after you opened it" in body
    assert 'value="my new name"' in body and "changed meanwhile" in body
    again = re.search(r'name="_version" value="(\d+)"', body)
    assert again is not None and int(again.group(1)) == int(version.group(1)) + 1
    saved = admin_client.post(
        url, {"name": "my new name", "description": "mine", "_version": again.group(1)}
    )
    assert saved.status_code == 302
    assert "my new name" in admin_client.get(url).content.decode()


def test_validation_errors_show_in_the_form(admin_client, signup):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    url = f"/admin/identity/organizations/{owner.org_id}/change/"
    response = admin_client.post(url, {"name": "x" * 121, "description": "", "_version": "1"})
    assert response.status_code == 200
    assert "1 to 120 characters" in response.content.decode()


def test_settings_are_added_changed_and_deleted_after_confirmation(admin_client):  # type: ignore[no-untyped-def]
    added = admin_client.post(
        "/admin/identity/settings/add/",
        {"key": "beta.flag", "type": "bool", "value": "true", "description": "", "_version": "0"},
    )
    assert added.status_code == 302, added.content
    bad = admin_client.post(
        "/admin/identity/settings/beta.flag/change/",
        {"value": "12", "description": "", "_version": "1"},
    )
    assert "true or false is expected" in bad.content.decode()
    confirm = admin_client.get("/admin/identity/settings/beta.flag/delete/")
    assert "Are you sure" in confirm.content.decode()
    deleted = admin_client.post("/admin/identity/settings/beta.flag/delete/", {"_version": "1"})
    assert deleted.status_code == 302
    assert admin_client.get("/admin/identity/settings/beta.flag/change/").status_code == 404


def test_tenant_lists_filter_by_organisation(admin_client, signup):  # type: ignore[no-untyped-def]
    one, two = signup("one", org=True), signup("two", org=True)
    members = admin_client.get(f"/admin/identity/members/?org={one.org_id}").content.decode()
    assert one.user_id in members and two.user_id not in members
    everyone = admin_client.get("/admin/identity/members/").content.decode()
    assert one.user_id in everyone and two.user_id in everyone
    audit = admin_client.get(f"/admin/identity/audit-log/?org={one.org_id}").content.decode()
    assert "organization.create" in audit


def test_the_dashboard_draws_capacity_from_the_vendored_chart_library(admin_client):  # type: ignore[no-untyped-def]
    page = admin_client.get("/admin/dashboard/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "/static/nexus_admin/chart.umd.min.js" in body
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', body)
    assert "user-sessions" in body and "user-profiles" in body
    assert 'id="cost-table"' in body


def _calls(recorder, get):  # type: ignore[no-untyped-def]
    with recorder.capture() as calls:
        response = get()
    by_operation: dict[str, int] = {}
    for call in calls:
        by_operation[call.operation] = by_operation.get(call.operation, 0) + 1
    return response, by_operation


def test_the_dashboard_keeps_item_counts_until_refreshed(make_stack, fast_hashing):  # type: ignore[no-untyped-def]
    from adapters.dynamodb.catalog import all_tables

    make_stack()  # every feature on: 42 tables
    container().identity.staff().create_staff(email=STAFF_EMAIL, password=PASSWORD)
    client = Client()
    signed_in = client.post("/admin/login/", {"username": STAFF_EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 302
    recorder = container().gateways.recorder()

    first, cold = _calls(recorder, lambda: client.get("/admin/dashboard/"))
    assert first.status_code == 200
    assert cold.get("DescribeTable") == len(all_tables()) == 42
    second, warm = _calls(recorder, lambda: client.get("/admin/dashboard/"))
    print("dashboard calls, first view:", cold, "second view:", warm)
    assert second.status_code == 200 and "user-profiles" in second.content.decode()
    assert warm.get("DescribeTable", 0) == 0 and warm.get("ListTables", 0) == 0
    assert 'id="refresh-counts"' in second.content.decode()

    refreshed, again = _calls(recorder, lambda: client.get("/admin/dashboard/?refresh=1"))
    assert refreshed.status_code == 302 and refreshed["Location"] == "/admin/dashboard/"
    assert again.get("DescribeTable") == 42


def test_a_change_list_page_costs_a_few_dynamodb_calls(admin_client, signup):  # type: ignore[no-untyped-def]
    for _ in range(30):
        signup("page")
    admin_client.get("/admin/identity/users/")  # warm: the session is loaded the same way
    recorder = container().gateways.recorder()
    page, by_operation = _calls(recorder, lambda: admin_client.get("/admin/identity/users/"))
    assert page.status_code == 200
    print("calls per users change-list page:", by_operation)
    # the session, the staff user behind it, and the Scan pages of one list page
    assert by_operation.get("GetItem") == 2
    assert by_operation.get("Scan", 0) <= 6
    assert set(by_operation) <= {"GetItem", "Scan"}


def test_create_staff_bootstraps_an_empty_store(stack, monkeypatch):  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.core.management import CommandError, call_command

    monkeypatch.setenv("NEXUS_STAFF_PASSWORD", PASSWORD)
    out = StringIO()
    call_command("create_staff", "--email", "First@Example.com", stdout=out)
    assert "staff user first@example.com created" in out.getvalue()
    client = Client()
    credentials = {"username": "first@example.com", "password": PASSWORD}
    signed_in = client.post("/admin/login/", credentials)
    assert signed_in.status_code == 302
    with pytest.raises(CommandError, match="exists"):
        call_command("create_staff", "--email", "first@example.com", stdout=StringIO())


def test_the_api_stays_outside_the_admin_csrf_check(stack):  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/auth/login",
        {"email": "nobody@example.com", "password": "whatever 12345"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_staff_add_an_organisation_and_a_member_through_forms(admin_client, signup):  # type: ignore[no-untyped-def]
    owner, joiner = signup("owner"), signup("joiner")
    missing = admin_client.post(
        "/admin/identity/organizations/add/",
        {"name": "Staff made", "description": "", "owner_id": "nobody", "_version": "0"},
    )
    assert missing.status_code == 200 and "no user has this id" in missing.content.decode()
    made = admin_client.post(
        "/admin/identity/organizations/add/",
        {"name": "Staff made", "description": "", "owner_id": owner.user_id, "_version": "0"},
    )
    assert made.status_code == 302, made.content
    org_id = re.search(r"“([0-9A-Z]{26})”", admin_client.get(made["Location"]).content.decode())
    assert org_id is not None
    added = admin_client.post(
        "/admin/identity/members/add/",
        {"org_id": org_id.group(1), "user_id": joiner.user_id, "role": "member", "_version": "0"},
    )
    assert added.status_code == 302, added.content
    listed = admin_client.get(f"/admin/identity/members/?org={org_id.group(1)}").content.decode()
    assert joiner.user_id in listed and owner.user_id in listed


def test_reset_sessions_signs_a_user_out_of_the_api_and_of_every_browser(
    admin_client, signup, staff
):  # type: ignore[no-untyped-def]
    other = container().identity.staff().create_staff(email="second@example.com", password=PASSWORD)
    browsers = []
    for address in ("10.0.0.3", "10.0.0.4"):
        browser = Client(REMOTE_ADDR=address)
        signed_in = browser.post(
            "/admin/login/", {"username": "second@example.com", "password": PASSWORD}
        )
        assert signed_in.status_code == 302 and browser.get("/admin/").status_code == 200
        browsers.append(browser)
    api = signup("apiuser")

    response = admin_client.post(
        "/admin/identity/users/",
        {"action": "reset_sessions", "_selected": [other.id, api.user_id]},
    )
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "3 session(s) revoked." in page  # two browsers and one API session
    for browser in browsers:
        assert browser.get("/admin/").status_code == 302  # back to the sign-in page
    refused = api.http.post(
        "/api/auth/refresh", {"refresh_token": api.refresh}, content_type="application/json"
    )
    assert refused.status_code == 401
    assert admin_client.get("/admin/").status_code == 200  # the acting staff user stays in
