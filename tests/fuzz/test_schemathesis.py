"""Fuzzing tier: schemathesis drives every operation of the live OpenAPI document.

The schema is loaded from `/api/openapi.json` of the WSGI application itself, so a new
endpoint is fuzzed the moment it is mounted. Requests go through the real container over
moto in-process, signed in as a user who owns an organisation (sent as X-Organization-Id and
substituted for every `org_id` path parameter, so tenant-scoped code runs rather than the
404 of a random id). The bar: no 5xx, and every documented response matches its schema,
which here is closed (`_closed`): a field the document does not name fails too. Examples per
operation are capped and derandomised, so the run is repeatable and quick.

The credentials and the tenant header are documented too (security schemes, the
X-Organization-Id header parameter), so schemathesis generates them: sent as generated, a
credential is refused (401) and a tenant header that is not the caller's organisation is
refused (404, or 422 when empty) before any handler acts.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

OPENAPI = "/api/openapi.json"
# Per operation; NEXUS_FUZZ_EXAMPLES=200 digs deeper by hand (CI keeps the run under ~90 s).
MAX_EXAMPLES = int(os.environ.get("NEXUS_FUZZ_EXAMPLES", "25"))
PASSWORD = "correct horse battery 9"
ORG_HEADER = "X-Organization-Id"
# Refused before auth or tenancy, which reveals nothing: a body that is not JSON (400), a
# method the path does not serve (405; schemathesis tries those too), a generated path
# parameter holding "/" that leaves the route table (404 from Django's resolver).
MALFORMED = {400, 404, 405}


def _closed(node: Any) -> Any:
    """Every object schema that lists its properties refuses others: a response field the
    document does not name (a password hash, an internal key) breaks the schema too."""
    if isinstance(node, dict):
        node = {key: _closed(value) for key, value in node.items()}
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
    elif isinstance(node, list):
        node = [_closed(value) for value in node]
    return node


def _load() -> Any:
    """The document as the running application serves it (no store is touched for it)."""
    from django.test import Client

    from nexus.wsgi import application

    document = Client().get(OPENAPI).json()
    loaded = schemathesis.openapi.from_dict(_closed(document))
    loaded.app, loaded.location = application, OPENAPI
    return loaded


def _operations(document: Any) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(operations that need a credential, operations whose tenant is the header)."""
    secured, header_scoped = set(), set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("security"):
                secured.add((method.upper(), path))
            if any(
                p["in"] == "header" and p["name"] == ORG_HEADER for p in operation["parameters"]
            ):
                header_scoped.add((method.upper(), path))
    return secured, header_scoped


schema = _load()
SECURED, HEADER_SCOPED = _operations(schema.raw_schema)
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _among(operations: set[tuple[str, str]]) -> Any:
    return lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in operations


@pytest.fixture
def stack(make_stack) -> Any:  # type: ignore[no-untyped-def]
    """The real container over moto, no feature tables: API keys are looked up there."""
    return make_stack(())


@pytest.fixture
def owner(stack, settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A registered, signed-in user and the organisation it owns."""
    from django.test import Client

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    http = Client()
    email = "fuzz-owner@example.com"
    registered = http.post(
        "/api/auth/register",
        {"email": email, "password": PASSWORD, "display_name": "fuzz"},
        content_type="application/json",
    )
    assert registered.status_code == 201, registered.content
    tokens = http.post(
        "/api/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json"
    ).json()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    org = http.post(
        "/api/organizations", {"name": "fuzz org"}, content_type="application/json", **auth
    )
    assert org.status_code == 201, org.content
    return {
        "Authorization": f"Bearer {tokens['access_token']}",
        "X-Organization-Id": org.json()["id"],
    }


@schema.parametrize()
@FUZZ_SETTINGS
def test_no_server_errors_and_responses_match_the_schema(case: Any, owner: dict[str, str]) -> None:
    if case.path_parameters and "org_id" in case.path_parameters:
        case.path_parameters["org_id"] = owner["X-Organization-Id"]
    case.call_and_validate(headers=owner, checks=[not_a_server_error, response_schema_conformance])


@schema.include(_among(SECURED)).parametrize()
@FUZZ_SETTINGS
def test_generated_credentials_are_refused(case: Any, stack: Any) -> None:
    """Whatever Authorization / X-API-Key schemathesis makes up: 401, never a 5xx."""
    response = case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
    assert response.status_code in {401} | MALFORMED, response.status_code


@schema.include(_among(HEADER_SCOPED)).parametrize()
@FUZZ_SETTINGS
def test_generated_tenant_headers_are_refused(case: Any, owner: dict[str, str]) -> None:
    """A made-up X-Organization-Id beside a valid token: 404 (422 when empty), never a 5xx."""
    assert (case.headers or {}).get(ORG_HEADER) != owner[ORG_HEADER]
    response = case.call_and_validate(
        headers={"Authorization": owner["Authorization"]},
        checks=[not_a_server_error, response_schema_conformance],
    )
    assert response.status_code in {404, 422} | MALFORMED, response.status_code
