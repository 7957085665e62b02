"""The projects pages of the admin through Django's test client over the real container (moto
in-process): workspaces and projects listed, paged, filtered, searched, changed, archived,
restored and deleted by staff, each change audited and published like the API's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from domains.projects.model import Project, Workspace
from domains.shared.errors import Forbidden, NotFound
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal, TenantContext
from nexus.container import container
from tests.api.conftest import PASSWORD, STAFF_EMAIL, Caller

WORKSPACES = "/admin/projects/workspaces/"
PROJECTS = "/admin/projects/projects/"
COMPOSITE = r"[0-9A-Z]{26}:[0-9A-Z]{26}"


def owner_ctx(owner: Caller) -> TenantContext:
    assert owner.org_id is not None
    return container().tenancy().resolve(Principal(owner.user_id), owner.org_id)


def make_workspaces(owner: Caller, count: int, prefix: str = "ws") -> list[Workspace]:
    ctx, workspaces = owner_ctx(owner), container().projects.workspaces()
    return [workspaces.create(ctx=ctx, name=f"{prefix} {n:02d}") for n in range(count)]


def make_projects(owner: Caller, workspace: Workspace, count: int) -> list[Project]:
    ctx, projects = owner_ctx(owner), container().projects.projects()
    return [
        projects.create(ctx=ctx, workspace_id=workspace.id, name=f"project {n:02d}", tags=["ml"])
        for n in range(count)
    ]


def listed(client: Client, url: str) -> tuple[list[str], dict[str, str], str]:
    """The keys on a change-list page, its paging links by id, and the page's text."""
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    keys = re.findall(rf'name="_selected" value="({COMPOSITE}(?::[0-9A-Z]{{26}})?)"', body)
    base = url.split("?")[0]
    links = {
        name: base + href.replace("&amp;", "&")
        for href, name in re.findall(r'href="(\?[^"]*)" id="(\w+-page)"', body)
    }
    return keys, links, body


def key(item: Any) -> str:
    return f"{item.org_id}:{item.id}"


def version_on(body: str) -> str:
    found = re.search(r'name="_version" value="(\d+)"', body)
    assert found is not None
    return found.group(1)


def outbox_events(name: str) -> list[dict[str, Any]]:
    from adapters.dynamodb.codec import decode_item

    dynamo = container().gateways.dynamo()
    items = dynamo.scan("system-logs").get("Items", [])
    events = [decode_item(i) for i in items if i["pk"]["S"].startswith("OUTBOX#")]
    return [e for e in events if e["name"] == name]


def audit_entries(staff: Any, org_id: str, action: str) -> list[Any]:
    log = (
        container()
        .identity.staff_tenants()
        .audit_log(
            principal=Principal(staff.id, is_staff=True), page=PageRequest(50), org_id=org_id
        )
    )
    return [e for e in log.items if e.action == action]


def test_workspaces_page_through_every_organisation_and_filter_by_one(admin_client, signup):  # type: ignore[no-untyped-def]
    one, two = signup("one", org=True), signup("two", org=True)
    ones, twos = make_workspaces(one, 27), make_workspaces(two, 2)
    first, links, body = listed(admin_client, WORKSPACES)
    assert len(first) == 25 and "previous-page" not in links
    assert "Projects" in body and "Workspaces" in body
    second, back, _ = listed(admin_client, links["next-page"])
    assert len(second) == 4 and "next-page" not in back
    assert {*first, *second} == {key(w) for w in ones + twos}
    again, _, _ = listed(admin_client, back["previous-page"])
    assert again == first

    only_one, one_links, _ = listed(admin_client, f"{WORKSPACES}?org={one.org_id}")
    rest, _, _ = listed(admin_client, one_links["next-page"])
    assert len(only_one) == 25 and {*only_one, *rest} == {key(w) for w in ones}
    only_two, _, _ = listed(admin_client, f"{WORKSPACES}?org={two.org_id}&status=active")
    assert set(only_two) == {key(w) for w in twos}  # the organisation's status index


def test_search_a_workspace_by_id(admin_client, signup):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    wanted, _ = make_workspaces(owner, 2)
    by_org, _, _ = listed(admin_client, f"{WORKSPACES}?org={owner.org_id}&q={wanted.id}")
    assert by_org == [key(wanted)]
    by_key, _, _ = listed(admin_client, f"{WORKSPACES}?q={key(wanted).lower()}")
    assert by_key == [key(wanted)]
    _, _, no_org = listed(admin_client, f"{WORKSPACES}?q={wanted.id}")
    assert "choose an organisation" in no_org
    _, _, missing = listed(admin_client, f"{WORKSPACES}?org={owner.org_id}&q={owner.user_id}")
    assert "Nothing matches this search." in missing


def test_change_a_workspace_audited_and_published_and_a_stale_form_conflicts(
    admin_client, signup, staff
):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    (ws,) = make_workspaces(owner, 1)
    url = f"{WORKSPACES}{key(ws)}/change/"
    form = admin_client.get(url).content.decode()
    assert 'value="ws 00"' in form and "Project count" in form
    saved = admin_client.post(
        url, {"name": "Renamed", "description": "by staff", "_version": version_on(form)}
    )
    assert saved.status_code == 302, saved.content
    assert "Renamed" in admin_client.get(url).content.decode()
    (entry,) = audit_entries(staff, ws.org_id, "workspace.update")
    assert entry.actor_id == staff.id and entry.details["by_staff"] is True
    (event,) = outbox_events("WorkspaceUpdated")
    assert event["resource_id"] == ws.id and event["actor_id"] == staff.id

    stale_version = version_on(admin_client.get(url).content.decode())
    container().projects.workspaces().update(
        ctx=owner_ctx(owner), workspace_id=ws.id, expected_version=None, name="Meanwhile"
    )
    stale = admin_client.post(url, {"name": "Mine", "description": "", "_version": stale_version})
    body = stale.content.decode()
    assert stale.status_code == 200 and "Someone changed this item after you opened it" in body
    assert 'value="Mine"' in body and "Meanwhile" in body
    assert int(version_on(body)) == int(stale_version) + 1
    bad = admin_client.post(url, {"name": " ", "description": "", "_version": version_on(body)})
    assert "This field is required." in bad.content.decode()


def test_archive_and_restore_workspaces_in_bulk(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    a, b, c = make_workspaces(owner, 3)
    response = admin_client.post(WORKSPACES, {"action": "archive", "_selected": [key(a), key(b)]})
    assert response.status_code == 302
    assert "2 workspace(s) archived." in admin_client.get(response["Location"]).content.decode()
    again = admin_client.post(WORKSPACES, {"action": "archive", "_selected": [key(b), key(c)]})
    page = admin_client.get(again["Location"]).content.decode()
    assert "1 workspace(s) archived. Skipped" in page and "archived already" in page
    archived, _, _ = listed(admin_client, f"{WORKSPACES}?org={owner.org_id}&status=archived")
    assert set(archived) == {key(a), key(b), key(c)}
    scanned, _, _ = listed(admin_client, f"{WORKSPACES}?status=archived")
    assert set(scanned) == set(archived)
    admin_client.post(WORKSPACES, {"action": "restore", "_selected": [key(a)]})
    active, _, _ = listed(admin_client, f"{WORKSPACES}?org={owner.org_id}&status=active")
    assert active == [key(a)]
    assert len(audit_entries(staff, owner.org_id, "workspace.archive")) == 3
    assert len(outbox_events("WorkspaceRestored")) == 1


def test_a_workspace_is_deleted_after_confirmation_only_when_empty(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    (ws,) = make_workspaces(owner, 1)
    (project,) = make_projects(owner, ws, 1)
    url = f"{WORKSPACES}{key(ws)}/delete/"
    confirm = admin_client.get(url).content.decode()
    assert "Are you sure" in confirm
    refused = admin_client.post(url, {"_version": version_on(confirm)})
    assert refused.status_code == 200 and "holds 1 project(s)" in refused.content.decode()

    project_confirm = admin_client.get(f"{PROJECTS}{key(project)}/delete/").content.decode()
    assert "Are you sure" in project_confirm
    gone = admin_client.post(
        f"{PROJECTS}{key(project)}/delete/", {"_version": version_on(project_confirm)}
    )
    assert gone.status_code == 302
    assert [e["resource_id"] for e in outbox_events("ProjectDeleted")] == [project.id]

    container().projects.workspaces().update(
        ctx=owner_ctx(owner), workspace_id=ws.id, expected_version=None, name="Meanwhile"
    )
    stale = admin_client.post(url, {"_version": version_on(confirm)})
    assert "It changed since you opened this page" in stale.content.decode()
    deleted = admin_client.post(url, {"_version": version_on(stale.content.decode())})
    assert deleted.status_code == 302
    assert admin_client.get(f"{WORKSPACES}{key(ws)}/change/").status_code == 404
    assert audit_entries(staff, owner.org_id, "workspace.delete")[0].actor_id == staff.id
    with pytest.raises(NotFound):  # its memberships went with it
        container().projects.staff_workspace_members().get(
            principal=Principal(staff.id, is_staff=True),
            org_id=ws.org_id,
            resource_id=ws.id,
            user_id=owner.user_id,
        )


def test_projects_list_by_workspace_page_filter_change_archive(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner, other = signup("owner", org=True), signup("other", org=True)
    ws, spare = make_workspaces(owner, 2)
    projects = make_projects(owner, ws, 26)
    (elsewhere,) = make_projects(other, make_workspaces(other, 1)[0], 1)
    first, links, _ = listed(admin_client, f"{PROJECTS}?org={owner.org_id}&workspace={ws.id}")
    rest, _, _ = listed(admin_client, links["next-page"])
    assert len(first) == 25 and {*first, *rest} == {key(p) for p in projects}
    everything, all_links, _ = listed(admin_client, PROJECTS)
    assert len(everything) == 25 and len(listed(admin_client, all_links["next-page"])[0]) == 2
    by_org, _, _ = listed(admin_client, f"{PROJECTS}?org={other.org_id}")
    assert by_org == [key(elsewhere)]
    _, _, no_org = listed(admin_client, f"{PROJECTS}?workspace={ws.id}")
    assert "choose the workspace&#x27;s organisation as well" in no_org

    target = projects[0]
    url = f"{PROJECTS}{key(target)}/change/"
    form = admin_client.get(url).content.decode()
    assert 'value="ml"' in form
    fields = {"name": "Churn", "description": "d", "_version": version_on(form)}
    bad = admin_client.post(url, {**fields, "tags": "ok, NOT OK!"})
    assert "tags are 1-40 of" in bad.content.decode()
    saved = admin_client.post(url, {**fields, "tags": "ml, churn"})
    assert saved.status_code == 302
    stored = (
        container()
        .projects.staff()
        .get_project(
            principal=Principal(staff.id, is_staff=True), org_id=target.org_id, project_id=target.id
        )
    )
    assert stored.name == "Churn" and stored.tags == {"ml", "churn"}
    assert outbox_events("ProjectUpdated")[0]["actor_id"] == staff.id
    stale = admin_client.post(url, {**fields, "tags": "x"})
    assert "Someone changed this item after you opened it" in stale.content.decode()

    archived = admin_client.post(PROJECTS, {"action": "archive", "_selected": [key(target)]})
    assert "1 project(s) archived." in admin_client.get(archived["Location"]).content.decode()
    live, _, _ = listed(admin_client, f"{PROJECTS}?org={owner.org_id}&workspace={ws.id}")
    assert key(target) not in live and len(live) == 25
    shelved, _, _ = listed(
        admin_client, f"{PROJECTS}?org={owner.org_id}&workspace={ws.id}&status=archived"
    )
    assert shelved == [key(target)]
    assert audit_entries(staff, owner.org_id, "project.archive")[0].details["by_staff"] is True
    found, _, _ = listed(admin_client, f"{PROJECTS}?q={key(target)}")
    assert found == [key(target)]
    assert listed(admin_client, f"{PROJECTS}?org={owner.org_id}&workspace={spare.id}")[0] == []


def test_the_pages_are_for_staff_only_and_absent_without_the_feature(make_stack, signup, staff):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    with pytest.raises(Forbidden):
        container().projects.staff().list_workspaces(
            principal=Principal(owner.user_id), page=PageRequest(5)
        )
    make_stack(())  # the same store, every feature off
    client = Client()
    signed_in = client.post("/admin/login/", {"username": STAFF_EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 302
    index = client.get("/admin/").content.decode()
    assert "Users" in index and "Workspaces" not in index and "Project members" not in index
    assert client.get(WORKSPACES).status_code == 404
    assert client.get("/admin/projects/").status_code == 404


def test_a_workspaces_page_costs_a_few_dynamodb_calls(admin_client, signup):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    make_workspaces(owner, 30)
    recorder = container().gateways.recorder()
    costs = {}
    for name, url in {
        "scan": WORKSPACES,
        "org": f"{WORKSPACES}?org={owner.org_id}",
        "org+status": f"{WORKSPACES}?org={owner.org_id}&status=active",
    }.items():
        admin_client.get(url)  # warm
        with recorder.capture() as calls:
            assert admin_client.get(url).status_code == 200
        costs[name] = sorted(c.operation for c in calls)
    print("DynamoDB calls per workspaces change-list page:", costs)
    # the session and the staff user behind it, then the page
    assert costs["org"] == ["GetItem", "GetItem", "Query"]
    assert costs["org+status"] == ["GetItem", "GetItem", "Query"]
    assert costs["scan"].count("GetItem") == 2 and 1 <= costs["scan"].count("Scan") <= 3
