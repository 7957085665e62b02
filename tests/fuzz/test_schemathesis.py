"""Fuzzing tier: schemathesis drives every operation of the live OpenAPI document.

The schema is loaded from `/api/openapi.json` of the WSGI application itself, so a new
endpoint is fuzzed the moment it is mounted. Requests go through the real container over
moto in-process, signed in as a user who owns an organisation (sent as X-Organization-Id and
substituted for every `org_id` path parameter, so tenant-scoped code runs rather than the
404 of a random id). The bar: no 5xx, and every documented response matches its schema,
which here is closed (`_closed`): a field the document does not name fails too. Examples per
operation are capped and derandomised, so the run is repeatable and quick.
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


schema = _load()


@pytest.fixture
def owner(make_stack, settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A registered, signed-in user and the organisation it owns."""
    from django.test import Client

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_stack(())
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
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_and_responses_match_the_schema(case: Any, owner: dict[str, str]) -> None:
    if case.path_parameters and "org_id" in case.path_parameters:
        case.path_parameters["org_id"] = owner["X-Organization-Id"]
    case.call_and_validate(headers=owner, checks=[not_a_server_error, response_schema_conformance])
