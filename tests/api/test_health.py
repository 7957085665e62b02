"""GET /api/health, GET /api/ready and the OpenAPI document, through Django's test client."""

import pytest
from django.test import Client

from adapters.dynamodb.catalog import FEATURES, all_tables


@pytest.fixture
def http() -> Client:
    return Client()


def test_health_lists_every_feature_with_its_tables(make_stack, http):
    make_stack()
    response = http.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["environment"] == "test" and body["version"]
    by_name = {f["name"]: f for f in body["features"]}
    assert set(by_name) == {"base", *FEATURES}
    assert all(f["enabled"] and not f["tables_missing"] for f in body["features"])
    present = sum(len(f["tables_present"]) for f in body["features"])
    assert present == len(all_tables()) == 42


def test_health_marks_disabled_features(make_stack, http):
    make_stack(("ai_lab",))
    by_name = {f["name"]: f for f in http.get("/api/health").json()["features"]}
    assert by_name["ai_lab"]["enabled"] and by_name["base"]["enabled"]
    assert not by_name["education"]["enabled"]
    assert by_name["education"]["tables_present"] == []


def test_ready_when_every_enabled_table_exists(make_stack, http):
    make_stack(("project_management",))
    response = http.get("/api/ready")
    assert response.status_code == 200 and response.json() == {"status": "ready"}


def test_not_ready_names_the_missing_tables(make_stack, http):
    make_stack(("project_management", "analytics"), create=("project_management",))
    response = http.get("/api/ready")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    problem = response.json()
    assert "analytics:activity-feed" in problem["detail"]
    assert "analytics:aggregated-analytics" in problem["detail"]
    assert "projects" not in problem["detail"]


def test_openapi_and_docs_are_served(make_stack, http):
    make_stack(())
    spec = http.get("/api/openapi.json")
    assert spec.status_code == 200
    assert "/api/health" in spec.json()["paths"]
    assert http.get("/api/docs").status_code == 200


def test_unknown_path_is_404(make_stack, http):
    make_stack(())
    assert http.get("/api/nothing-here").status_code == 404
