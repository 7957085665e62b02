"""GET /api/activity refuses: bad queries (422 naming the field), another organisation (404,
whatever the filter), and an organisation without the analytics feature (404)."""

from __future__ import annotations

from domains.shared.ids import new_id
from tests.api.analytics.conftest import record_update

BAD_QUERIES = [
    ("user=someone", ["query", "user"]),
    (f"user={new_id()}&project={new_id()}", ["query", "user"]),
    (f"user={new_id()}&resource_type=workspace&resource_id={new_id()}", ["query", "user"]),
    ("resource_type=workspace", ["query", "resource_id"]),
    (f"resource_id={new_id()}", ["query", "resource_type"]),
    (f"resource_type=Work%20Space&resource_id={new_id()}", ["query", "resource_type"]),
    ("resource_type=project&resource_id=nope", ["query", "resource_id"]),
    ("project=nope", ["query", "project"]),
    (f"project={new_id()}&resource_type=project&resource_id={new_id()}", ["query", "project"]),
    ("limit=0", ["query", "limit"]),
    ("limit=101", ["query", "limit"]),
    ("cursor=c1.forged.cursor", ["cursor"]),
]


def test_bad_queries_are_422_naming_the_field(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    for query, loc in BAD_QUERIES:  # one organisation for all: setting one up is the slow part
        response = ada.call("GET", f"/api/activity?{query}", **{"X-Organization-Id": ada.org_id})
        assert response.status_code == 422, (query, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"][0]["loc"] == loc, query


def test_a_cursor_of_another_filter_is_422(org):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    for _ in range(3):
        record_update(owner)
    cursor = owner.call("GET", "/api/activity?limit=1").json()["next_cursor"]
    assert cursor
    foreign = owner.call("GET", f"/api/activity?limit=1&user={owner.user_id}&cursor={cursor}")
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["loc"] == ["cursor"]


def test_the_header_is_required(org):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    response = owner.http.get("/api/activity", HTTP_AUTHORIZATION=f"Bearer {owner.access}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["header", "X-Organization-Id"]


def test_another_organisation_is_404_whatever_the_filter(org, outsider):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    event = record_update(owner)
    for query in ("", f"?user={owner.user_id}", f"?project={event.resource_id}"):
        probe = outsider.call("GET", f"/api/activity{query}", **{"X-Organization-Id": owner.org_id})
        assert probe.status_code == 404, (query, probe.content)
    # their own organisation's feed holds none of it
    assert outsider.call("GET", "/api/activity").json() == {"items": [], "next_cursor": None}


def test_without_the_analytics_feature_there_is_no_feed(make_stack, signup):  # type: ignore[no-untyped-def]
    make_stack(("project_management",))
    ada = signup("ada", org=True)
    response = ada.call("GET", "/api/activity", **{"X-Organization-Id": ada.org_id})
    assert response.status_code == 404, response.content
    assert response.json()["detail"] == "the analytics feature is not enabled"
