"""Every tenant-scoped operation in the OpenAPI document refuses another organisation: 404."""

from __future__ import annotations

import re

from domains.shared.ids import new_id

PLACEHOLDER = re.compile(r"{(\w+)}")


def _operations(http):  # type: ignore[no-untyped-def]
    spec = http.get("/api/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            if (
                "{org_id}" in path
                or "X-Organization-Id" in names
                or path.startswith("/api/content")
            ):
                yield method.upper(), path


def test_every_tenant_scoped_operation_hides_other_organisations(signup, http):  # type: ignore[no-untyped-def]
    ada, eve = signup("ada", org=True), signup("eve", org=True)
    swept = []
    for method, path in _operations(http):
        concrete = PLACEHOLDER.sub(
            lambda m: ada.org_id if m.group(1) == "org_id" else new_id(), path
        )
        response = eve.call(method, concrete, None, **{"X-Organization-Id": ada.org_id})
        # Without a body ninja may refuse the request shape first (400, 422): that reveals nothing.
        allowed = (404,) if method in ("GET", "DELETE") else (400, 404, 422)
        assert response.status_code in allowed, (method, path, response.status_code)
        swept.append((method, path))
    assert len(swept) >= 15, swept
    assert ada.call("GET", f"/api/organizations/{ada.org_id}").json()["name"] == "ada org"


def test_every_operation_but_sign_in_and_health_needs_a_token(stack, http):  # type: ignore[no-untyped-def]
    spec = http.get("/api/openapi.json").json()
    public = {
        "/api/health",
        "/api/ready",
        "/api/auth/register",
        "/api/auth/login",
        "/api/auth/refresh",
    }
    checked = 0
    for path, item in spec["paths"].items():
        for method in item:
            if path in public:
                continue
            concrete = PLACEHOLDER.sub(lambda m: new_id(), path)
            for header in ({}, {"HTTP_AUTHORIZATION": "Bearer expired.or.tampered"}):
                response = getattr(http, method)(concrete, **header)
                assert response.status_code == 401, (method, path, header)
            checked += 1
    assert checked >= 20
