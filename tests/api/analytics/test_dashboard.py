"""GET /api/analytics/dashboard: roll-ups of real project changes, relayed from the outbox to
the consumers and rolled up by the beat's task; refusals (422, 403, 404)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.events.relay import relay_once
from domains.analytics.rollups import DAY, HOUR, period_key, period_start
from nexus.container import container
from nexus.events import dispatch
from nexus.tasks_analytics import roll_up_dirty
from tests.api.projects.conftest import new_project, new_workspace

# 1 GetItem resolves the tenant, then 1 Query per metric (active users, events by type,
# projects, template adoption, run completion, error patterns)
DASHBOARD_CALLS = [("GetItem", "organization-memberships")] + [
    ("Query", "aggregated-analytics")
] * 6


def _relay_and_roll_up() -> dict[str, Any]:
    """What the workers do: the relay hands every event to the consumers, beat's task rolls
    up the hours they marked."""
    relay_once(container().outbox(), dispatch, limit=1000)
    return roll_up_dirty()  # type: ignore[no-any-return]


def _dashboard(caller, query: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = caller.call("GET", f"/api/analytics/dashboard?{query}")
    assert response.status_code == 200, response.content
    return {m["name"]: m for m in response.json()["metrics"]} | {"_": response.json()}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_dashboard_of_real_changes(org):  # type: ignore[no-untyped-def]
    owner, member, viewer = org["owner"], org["member"], org["viewer"]
    ws = new_workspace(owner, "Research")
    project = new_project(owner, ws["id"], "Churn")
    added = owner.call(
        "POST",
        f"/api/projects/{project['id']}/members",
        {"user_id": member.user_id, "role": "editor"},
    )
    assert added.status_code == 201, added.content
    report = _relay_and_roll_up()
    assert report["cleared"] == report["marks"] >= 1
    now = datetime.now(UTC)
    query = f"granularity=hour&from={_iso(now - timedelta(hours=2))}&to={_iso(now)}"
    with container().gateways.recorder().capture() as calls:
        hours = _dashboard(viewer, query)  # a viewer holds analytics:read
    assert [(c.operation, c.table) for c in calls] == DASHBOARD_CALLS
    assert hours["_"]["granularity"] == HOUR and len(hours["active_users"]["series"]) == 3
    assert hours["active_users"]["total"] == {"count": 1}
    assert hours["events_by_type"]["total"] == {
        "MemberAdded": 1,
        "ProjectCreated": 1,
        "WorkspaceCreated": 1,
    }
    assert hours["projects"]["total"] == {
        "member_changes": 1,
        "projects_created": 1,
        "workspaces_created": 1,
    }
    [busy] = [p for p in hours["projects"]["series"] if p["values"]["projects_created"]]
    assert busy["period"] in {_iso(period_start(now - timedelta(hours=h), HOUR)) for h in (0, 1)}
    assert hours["active_users"]["series"][0]["values"] == {"count": 0}
    days = _dashboard(
        viewer, f"granularity=day&from={_iso(now - timedelta(days=1))}&to={_iso(now)}"
    )
    assert [p["period"] for p in days["projects"]["series"]][-1] == _iso(period_start(now, DAY))
    assert days["projects"]["total"] == hours["projects"]["total"]
    assert days["active_users"]["total"] == {"count": 1}
    assert days["template_adoption"]["total"] == {"adopted": 0, "joined": 0, "share": 0}


def test_defaults_to_the_last_thirty_days(org):  # type: ignore[no-untyped-def]
    payload = _dashboard(org["owner"], "")["_"]
    today = period_start(datetime.now(UTC), DAY)
    assert payload["granularity"] == DAY
    assert len(payload["metrics"][0]["series"]) == 30
    assert payload["last_period"].startswith(period_key(today, DAY))


BAD_QUERIES = [
    ("granularity=week", ["query", "granularity"]),
    ("from=yesterday", ["query", "from"]),
    ("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", ["query", "from"]),
    ("granularity=hour&from=2026-03-01&to=2026-04-01T00:00:00Z", ["query", "to"]),
    ("granularity=day&from=2025-01-01&to=2026-03-01", ["query", "to"]),
]


def test_bad_windows_are_422_naming_the_field(org):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    for query, loc in BAD_QUERIES:
        response = owner.call("GET", f"/api/analytics/dashboard?{query}")
        assert response.status_code == 422, (query, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"][0]["loc"] == loc, (query, response.json())


def test_an_api_key_needs_analytics_read(org, http):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    keys = f"/api/organizations/{owner.org_id}/api-keys"

    def mint(permissions: list[str]) -> str:
        minted = owner.call("POST", keys, {"name": "bot", "permissions": permissions})
        assert minted.status_code == 201, minted.content
        return minted.json()["key"]  # type: ignore[no-any-return]

    refused = http.get("/api/analytics/dashboard", HTTP_X_API_KEY=mint(["org:read"]))
    assert refused.status_code == 403, refused.content
    allowed = http.get("/api/analytics/dashboard", HTTP_X_API_KEY=mint(["analytics:read"]))
    assert allowed.status_code == 200, allowed.content


def test_another_organisation_is_404_and_sees_none_of_it(org, outsider):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    new_workspace(owner, "Secret")
    _relay_and_roll_up()
    probe = outsider.call("GET", "/api/analytics/dashboard", **{"X-Organization-Id": owner.org_id})
    assert probe.status_code == 404, probe.content
    own = _dashboard(outsider, "granularity=hour")
    assert own["events_by_type"]["total"] == {} and own["active_users"]["total"] == {"count": 0}
