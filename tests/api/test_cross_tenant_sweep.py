"""Every tenant-scoped operation in the OpenAPI document refuses another organisation: 404.

Tenant-scoped means `{org_id}` in the path or the documented X-Organization-Id header. Each
operation that takes a body gets a valid one, built from its request-body schema, so ninja's
validation passes and the 404 can only come from tenancy.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import find
from hypothesis import strategies as st

from domains.shared.ids import new_id

PLACEHOLDER = re.compile(r"{(\w+)}")
ORG_HEADER = "X-Organization-Id"
# Only where the schema cannot say what is valid: the service checks these after tenancy.
OVERRIDES: dict[tuple[str, str], dict[str, Any]] = {
    # `email` is a plain string in the schema; the service parses the address.
    ("POST", "/api/organizations/{org_id}/invitations"): {"email": "invitee@example.com"},
    # the service accepts an allow-list of content types the schema does not enumerate.
    ("POST", "/api/content/uploads"): {"content_type": "text/plain"},
}
STRING_FORMATS = {
    "email": lambda: "sweep@example.com",
    "date-time": lambda: (datetime.now(UTC) + timedelta(days=1)).isoformat(),
    "date": lambda: (datetime.now(UTC) + timedelta(days=1)).date().isoformat(),
    "uuid": lambda: "00000000-0000-4000-8000-000000000000",
    "uri": lambda: "https://example.com/sweep",
}


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        *_, name = schema["$ref"].split("/")
        schema = spec["components"]["schemas"][name]
    return schema


def _string(schema: dict[str, Any]) -> str:
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10**6)
    if "pattern" in schema:
        return find(
            st.from_regex(schema["pattern"], fullmatch=True), lambda s: low <= len(s) <= high
        )
    text = STRING_FORMATS.get(schema.get("format", ""), lambda: "sweep")()
    return text.ljust(low, "x")[:high]


def _number(schema: dict[str, Any]) -> int | float:
    if "minimum" in schema:
        return schema["minimum"]
    if "exclusiveMinimum" in schema:
        return schema["exclusiveMinimum"] + 1
    return min(1, schema.get("maximum", 1))


def valid_value(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A value the schema accepts: every property filled (so a write that wrongly passed would
    show), each the least its bounds allow."""
    schema = _resolve(spec, schema)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            options = [o for o in schema[combinator] if o.get("type") != "null"]
            return valid_value(spec, options[0])
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(spec, part))
        return valid_value(spec, merged)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: valid_value(spec, value) for name, value in properties.items()}
    if kind == "array":
        return [valid_value(spec, schema.get("items", {}))] * schema.get("minItems", 0)
    if kind in ("integer", "number"):
        return _number(schema)
    if kind == "boolean":
        return True
    return _string(schema)  # a string, or a schema that accepts anything (`Any`)


def valid_body(spec: dict[str, Any], method: str, path: str, operation: dict[str, Any]) -> Any:
    """The operation's request body, valid for its schema; None when it takes none."""
    if "requestBody" not in operation:
        return None
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return {**valid_value(spec, schema), **OVERRIDES.get((method, path), {})}


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
        assert 200 <= response.status_code < 300, (method, path, body, response.content)
        succeeded.append((method, path))
    assert len(succeeded) >= 4, succeeded


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
