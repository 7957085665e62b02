"""GET /api/analytics/costs (an organisation's share) and /api/analytics/costs/platform (staff):
attributed units flushed, read back priced; 403, 404, 422."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.dynamodb.cost import request_usd
from domains.shared.attribution import acting_org
from nexus.container import container
from tests.api.conftest import PASSWORD, STAFF_EMAIL, Caller
from tests.api.members import add_member

COSTS, PLATFORM = "/api/analytics/costs", "/api/analytics/costs/platform"
TODAY = datetime.now(UTC).date().isoformat()


@pytest.fixture
def admin(org, signup):  # type: ignore[no-untyped-def]
    person = signup("admin")
    add_member(org["owner"], person, "admin")
    person.headers["X-Organization-Id"] = org["owner"].org_id
    return person


@pytest.fixture
def root(staff, http):  # type: ignore[no-untyped-def]
    """The staff user, signed in to the API."""
    tokens = http.post(
        "/api/auth/login",
        {"email": STAFF_EMAIL, "password": PASSWORD},
        content_type="application/json",
    ).json()
    return Caller(http, STAFF_EMAIL, PASSWORD, staff.id, tokens["access_token"], "")


def _flush() -> None:
    report = container().costs.flusher().flush()
    assert report.failed == 0 and not report.busy


def test_an_admin_reads_the_units_of_the_organisations_own_requests(org, admin, outsider):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    created = owner.call("POST", "/api/workspaces", {"name": "Research"})
    assert created.status_code == 201, created.content
    assert acting_org() is None  # the request's attribution ended with it
    outsider.call("POST", "/api/workspaces", {"name": "Elsewhere"})
    _flush()
    response = admin.call("GET", f"{COSTS}?from={TODAY}&to={TODAY}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["org_id"], body["first_day"], body["last_day"]) == (owner.org_id, TODAY, TODAY)
    by_table = {row["table"]: row for row in body["days"]}
    assert "workspaces" in by_table and by_table["workspaces"]["write_units"] > 0
    assert {row["day"] for row in body["days"]} == {TODAY}
    totals = body["totals"]
    assert totals["write_units"] == sum(r["write_units"] for r in body["days"])
    assert totals["usd"] == pytest.approx(request_usd(totals["read_units"], totals["write_units"]))
    assert [t["table"] for t in body["tables"]] == sorted(by_table)
    # the outsider's workspace is not in this organisation's share, nor its own in ada's
    theirs = outsider.call("GET", COSTS).json()
    assert theirs["org_id"] == outsider.org_id
    ours = sum(r["write_units"] for r in body["days"] if r["table"] == "workspaces")
    assert ours == by_table["workspaces"]["write_units"]


def test_staff_see_every_table_attributed_or_not(org, root):  # type: ignore[no-untyped-def]
    org["owner"].call("POST", "/api/workspaces", {"name": "Research"})
    _flush()
    response = root.call("GET", f"{PLATFORM}?from={TODAY}&to={TODAY}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["org_id"] is None
    tables = {row["table"] for row in body["days"]}
    # sign-in (no tenant) and the organisation's writes alike
    assert {"user-profiles", "user-sessions", "workspaces"} <= tables
    org_share = (
        container()
        .costs.report()
        .org_report(
            ctx=container().tenancy().resolve(_principal(org["owner"]), org["owner"].org_id),
            first=None,
            last=None,
        )
    )
    platform_units = sum(r["write_units"] for r in body["days"])
    assert platform_units > org_share.totals.write_units > 0


def _principal(caller):  # type: ignore[no-untyped-def]
    from domains.shared.tenancy import Principal

    return Principal(caller.user_id)


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_are_refused_403(org, role):  # type: ignore[no-untyped-def]
    response = org[role].call("GET", COSTS)
    assert response.status_code == 403, response.content


def test_the_platform_report_is_403_for_anyone_but_staff(org):  # type: ignore[no-untyped-def]
    assert org["owner"].call("GET", PLATFORM).status_code == 403


def test_another_organisation_is_404(org, outsider):  # type: ignore[no-untyped-def]
    response = outsider.call("GET", COSTS, **{"X-Organization-Id": org["owner"].org_id})
    assert response.status_code == 404, response.content


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-03-02&to=2026-03-01",
        "from=2025-01-01&to=2026-01-02",
        "from=yesterday",
    ],
)
def test_bad_ranges_are_422(org, root, query):  # type: ignore[no-untyped-def]
    for caller, path in ((org["owner"], COSTS), (root, PLATFORM)):
        response = caller.call("GET", f"{path}?{query}")
        assert response.status_code == 422, (path, query, response.content)


def test_366_days_and_the_default_range_answer(org, root):  # type: ignore[no-untyped-def]
    last = datetime.now(UTC).date()
    first = last - timedelta(days=365)
    ok = org["owner"].call("GET", f"{COSTS}?from={first}&to={last}")
    assert ok.status_code == 200, ok.content
    default = root.call("GET", PLATFORM).json()
    assert default["last_day"] == last.isoformat()
    assert default["first_day"] == (last - timedelta(days=29)).isoformat()
