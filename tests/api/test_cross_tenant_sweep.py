"""Every tenant-scoped operation in the OpenAPI document refuses another organisation: 404.

Tenant-scoped means `{org_id}` in the path or the documented X-Organization-Id header. Each
operation that takes a body gets a valid one, built from its request-body schema, so ninja's
validation passes and the 404 can only come from tenancy.
"""

from __future__ import annotations

from domains.shared.ids import new_id
from tests.api.openapi_bodies import ORG_HEADER, PLACEHOLDER, valid_body


def _operations(http):  # type: ignore[no-untyped-def]
    """(method, path, body) of every operation whose tenant is its path or the header."""
    spec = http.get("/api/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
            if "{org_id}" in path or ORG_HEADER in headers:
                yield method.upper(), path, valid_body(spec, method.upper(), path, operation)


def _concrete(path: str, org_id: str) -> str:
    return PLACEHOLDER.sub(lambda m: org_id if m.group(1) == "org_id" else new_id(), path)


def test_every_tenant_scoped_operation_hides_other_organisations(signup, http):  # type: ignore[no-untyped-def]
    ada, eve = signup("ada", org=True), signup("eve", org=True)
    swept, with_body = [], []
    for method, path, body in _operations(http):
        response = eve.call(method, _concrete(path, ada.org_id), body, **{ORG_HEADER: ada.org_id})
        assert response.status_code == 404, (method, path, body, response.content)
        swept.append((method, path))
        if body is not None:
            with_body.append((method, path))
    assert len(swept) >= 21, swept
    assert len(with_body) >= 6, with_body
    assert any(path.startswith("/api/content") for _, path in swept)
    assert ada.call("GET", f"/api/organizations/{ada.org_id}").json()["name"] == "ada org"
    listed = ada.call("GET", "/api/content", **{ORG_HEADER: ada.org_id}).json()
    assert listed["items"] == []


def test_the_swept_bodies_are_valid_for_their_own_organisation(signup, http):  # type: ignore[no-untyped-def]
    """The same bodies, sent by ada to her own organisation, pass validation and succeed."""
    ada = signup("ada", org=True)
    succeeded = []
    for method, path, body in _operations(http):
        if body is None or set(PLACEHOLDER.findall(path)) - {"org_id"}:
            continue  # another id in the path: ada has no such resource (404 proves nothing)
        response = ada.call(method, _concrete(path, ada.org_id), body, **{ORG_HEADER: ada.org_id})
        assert response.status_code != 422, (method, path, body, response.content)
        if _names_another_resource(body):
            # the body names a resource ada does not have (a project to put it in): 404
            assert response.status_code == 404, (method, path, body, response.content)
            continue
        assert 200 <= response.status_code < 300, (method, path, body, response.content)
        succeeded.append((method, path))
    assert len(succeeded) >= 4, succeeded


def _names_another_resource(body: object) -> bool:
    """A body with a required `<resource>_id` at its top level (filled with a made-up id)."""
    return isinstance(body, dict) and any(k.endswith("_id") and v for k, v in body.items())


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
