"""/api/openapi.json documents how to authenticate and which operations take the tenant header."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.openapi_bodies import ORG_HEADER, PLACEHOLDER, valid_body

PUBLIC = {
    ("GET", "/api/health"),
    ("GET", "/api/ready"),
    ("POST", "/api/auth/register"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/refresh"),
}
# Their tenant is the X-Organization-Id header: no {org_id} in the path.
HEADER_SCOPED_PREFIXES = (
    "/api/content",
    "/api/dashboard",
    "/api/workspaces",
    "/api/projects",
    "/api/activity",
    "/api/analytics/dashboard",
    "/api/analytics/costs",
    "/api/analytics/execution",
    "/api/prompts",
    "/api/templates",
    "/api/agents",
    "/api/nodes",
    "/api/flows",
    "/api/experiments",
    "/api/datasets",
    "/api/models",
)
# Under a header-scoped prefix but for no organisation (staff only).
TENANTLESS = {("GET", "/api/analytics/costs/platform")}


@pytest.fixture
def spec(http) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return http.get("/api/openapi.json").json()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def test_two_schemes_a_bearer_token_or_an_api_key_header(spec):  # type: ignore[no-untyped-def]
    schemes = spec["components"]["securitySchemes"]
    assert sorted(
        (s["type"], s.get("scheme"), s.get("in"), s.get("name")) for s in schemes.values()
    ) == [
        ("apiKey", None, "header", "X-API-Key"),
        ("http", "bearer", None, None),
    ]


def test_every_operation_but_the_public_ones_takes_either_scheme(spec):  # type: ignore[no-untyped-def]
    names = sorted(spec["components"]["securitySchemes"])
    secured = 0
    for method, path, operation in _operations(spec):
        if (method, path) in PUBLIC:
            assert "security" not in operation, (method, path)
            continue
        # A list of single-scheme requirements: either one is enough (OR), not both (AND).
        assert sorted(operation["security"], key=str) == [{name: []} for name in names], path
        secured += 1
    assert secured >= 30
    assert {(m, p) for m, p, _ in _operations(spec)} >= PUBLIC


def test_the_tenant_header_is_documented_where_the_path_names_no_organisation(spec):  # type: ignore[no-untyped-def]
    with_header = []
    for method, path, operation in _operations(spec):
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        if path.startswith(HEADER_SCOPED_PREFIXES) and (method, path) not in TENANTLESS:
            assert [p["required"] for p in headers if p["name"] == ORG_HEADER] == [True], path
            assert "{org_id}" not in path
            with_header.append((method, path))
        else:
            assert ORG_HEADER not in {p["name"] for p in headers}, (method, path)
    assert len(with_header) == 118, with_header


def test_every_header_scoped_operation_requires_the_header(signup, spec):  # type: ignore[no-untyped-def]
    """The document says required; the API agrees: without it, 422 naming the header."""
    ada = signup("ada", org=True)
    checked = 0
    for method, path, operation in _operations(spec):
        if not any(p["name"] == ORG_HEADER for p in operation["parameters"]):
            continue
        body = valid_body(spec, method, path, operation)
        concrete = PLACEHOLDER.sub("01ARZ3NDEKTSV4RRFFQ69G5FAV", path)
        response = ada.call(method, concrete, body)
        assert response.status_code == 422, (method, path, response.status_code)
        assert response.json()["errors"][0]["loc"] == ["header", ORG_HEADER]
        checked += 1
    assert checked == 118


def _key(ada) -> str:  # type: ignore[no-untyped-def]
    created = ada.call(
        "POST",
        f"/api/organizations/{ada.org_id}/api-keys",
        {"name": "ci", "permissions": ["org:read"]},
    )
    assert created.status_code == 201, created.content
    return str(created.json()["key"])


def test_either_scheme_authenticates_the_same_key(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    key, org = _key(ada), f"/api/organizations/{ada.org_id}"
    for headers in ({"HTTP_AUTHORIZATION": f"Bearer {key}"}, {"HTTP_X_API_KEY": key}):
        response = http.get(org, **headers)
        assert response.status_code == 200, headers
        assert response.json()["id"] == ada.org_id


def test_a_bad_credential_in_either_header_is_a_401_problem(signup, http):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    key, org = _key(ada), f"/api/organizations/{ada.org_id}"
    for headers in (
        {"HTTP_AUTHORIZATION": "Bearer nxk_forged"},
        {"HTTP_X_API_KEY": "nxk_forged"},
        {"HTTP_X_API_KEY": ada.access},  # X-API-Key carries API keys, never an access token
        # a presented bearer credential decides alone, even beside a good X-API-Key
        {"HTTP_AUTHORIZATION": "Bearer expired.or.tampered", "HTTP_X_API_KEY": key},
    ):
        response = http.get(org, **headers)
        assert response.status_code == 401, headers
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"] == "Bearer"
        assert response.json()["status"] == 401
