"""Idempotency-Key on the creating endpoints: a retry gets the first answer, not a second
resource; a reused key with another body is 422; secrets are never stored for replay."""

from __future__ import annotations

from typing import Any

import pytest

from domains.shared.ids import new_id


def _orgs(caller) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        o["organization"]["id"] for o in caller.call("GET", "/api/organizations").json()["items"]
    ]


def test_a_retried_create_replays_the_first_answer(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    key = new_id()
    first = ada.call("POST", "/api/organizations", {"name": "Acme"}, **{"Idempotency-Key": key})
    again = ada.call("POST", "/api/organizations", {"name": "Acme"}, **{"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["ETag"] == first["ETag"]
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert _orgs(ada) == [first.json()["id"]]
    entries = ada.call("GET", f"/api/organizations/{first.json()['id']}/audit").json()["items"]
    assert [e["action"] for e in entries] == ["organization.create"]  # audited once


def test_without_a_key_or_with_new_keys_each_request_creates(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    ada.call("POST", "/api/organizations", {"name": "One"})
    ada.call("POST", "/api/organizations", {"name": "One"})
    ada.call("POST", "/api/organizations", {"name": "One"}, **{"Idempotency-Key": new_id()})
    assert len(_orgs(ada)) == 3


def test_a_key_reused_with_another_body_is_422_and_creates_nothing(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    key = new_id()
    ada.call("POST", "/api/organizations", {"name": "Acme"}, **{"Idempotency-Key": key})
    reused = ada.call("POST", "/api/organizations", {"name": "Other"}, **{"Idempotency-Key": key})
    assert reused.status_code == 422
    assert reused["Content-Type"] == "application/problem+json"
    assert reused.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert len(_orgs(ada)) == 1


def test_keys_are_per_principal(signup):  # type: ignore[no-untyped-def]
    ada, bob = signup("ada"), signup("bob")
    key = new_id()
    a = ada.call("POST", "/api/organizations", {"name": "Same"}, **{"Idempotency-Key": key})
    b = bob.call("POST", "/api/organizations", {"name": "Same"}, **{"Idempotency-Key": key})
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]
    assert not b.has_header("Idempotent-Replayed")


def test_a_failed_request_keeps_nothing_so_a_corrected_retry_runs(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    key = new_id()
    bad = ada.call("POST", "/api/organizations", {"name": "  "}, **{"Idempotency-Key": key})
    assert bad.status_code == 422
    # The key was released: the same key with the same (now valid) request runs afresh.
    good = ada.call("POST", "/api/organizations", {"name": "Fine"}, **{"Idempotency-Key": key})
    assert good.status_code == 201


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "naïve"])
def test_an_unusable_key_is_422(signup, key: str):  # type: ignore[no-untyped-def]
    ada = signup("ada")
    response = ada.call("POST", "/api/organizations", {"name": "Acme"}, **{"Idempotency-Key": key})
    assert response.status_code == 422, response.content
    assert _orgs(ada) == []


def test_a_request_still_running_under_the_key_is_409(signup):  # type: ignore[no-untyped-def]
    from nexus.container import container

    ada = signup("ada")
    key = new_id()
    store = container().idempotency()
    from domains.shared.idempotency import fingerprint

    body = b'{"name": "Acme"}'
    scope = f"{ada.user_id} POST /api/organizations "
    assert store.claim(scope, key, fingerprint("POST", "/api/organizations", body)) is None
    response = ada.http.post(
        "/api/organizations",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {ada.access}",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 409, response.content
    assert "still being processed" in response.json()["detail"]


def test_a_secret_is_never_stored_for_replay(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    path = f"/api/organizations/{ada.org_id}/api-keys"
    body: dict[str, Any] = {"name": "bot", "permissions": ["org:read"]}
    key = new_id()
    first = ada.call("POST", path, body, **{"Idempotency-Key": key})
    again = ada.call("POST", path, body, **{"Idempotency-Key": key})
    assert first.status_code == 201 and again.status_code == 409
    assert first.json()["id"] in again.json()["detail"]
    assert first.json()["key"] not in again.content.decode()
    assert len(ada.call("GET", path).json()["items"]) == 1
    _assert_no_secret_stored(first.json()["key"])


def _assert_no_secret_stored(secret: str) -> None:
    from nexus.container import container

    dynamo = container().gateways.dynamo()
    items = dynamo.scan("system-logs")["Items"]
    stored = [i for i in items if i["pk"]["S"].startswith("IDEMPOTENCY#")]
    assert stored and all(secret.encode() not in repr(i).encode() for i in stored)


def test_the_creating_operations_document_the_header(http):  # type: ignore[no-untyped-def]
    spec = http.get("/api/openapi.json").json()
    documented = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    }
    assert documented == {
        ("POST", "/api/organizations"),
        ("POST", "/api/organizations/{org_id}/api-keys"),
        ("POST", "/api/organizations/{org_id}/invitations"),
        ("POST", "/api/content/uploads"),
        ("POST", "/api/workspaces"),
        ("POST", "/api/workspaces/{workspace_id}/projects"),
        ("POST", "/api/workspaces/{resource_id}/members"),
        ("POST", "/api/projects/{resource_id}/members"),
        ("POST", "/api/prompts"),
        ("POST", "/api/prompts/{prompt_id}/versions"),
        ("POST", "/api/templates"),
        ("POST", "/api/templates/{template_id}/use"),
        ("POST", "/api/projects/{project_id}/agents"),
        ("POST", "/api/nodes/types"),
        ("POST", "/api/agents/{agentId}/runs"),
        ("POST", "/api/agents/{agent_id}/versions"),
        ("POST", "/api/models/registry"),
        ("POST", "/api/models/{id}/versions"),
        ("POST", "/api/models/{id}/metrics"),
        ("POST", "/api/experiments"),
        ("POST", "/api/experiments/{id}/runs"),
        ("POST", "/api/experiments/{id}/runs/{runId}/metrics"),
        ("POST", "/api/experiments/{id}/logs"),
        ("POST", "/api/datasets"),
        ("POST", "/api/datasets/{id}/versions"),
    }


def test_a_retried_upload_request_gets_the_same_record_and_url(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    body = {"filename": "a.png", "content_type": "image/png", "size": 10}
    headers = {"Idempotency-Key": new_id(), "X-Organization-Id": ada.org_id}
    first = ada.call("POST", "/api/content/uploads", body, **headers)
    again = ada.call("POST", "/api/content/uploads", body, **headers)
    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json() and again["ETag"] == '"1"'
    listed = ada.call("GET", "/api/content", **{"X-Organization-Id": ada.org_id}).json()
    assert [c["id"] for c in listed["items"]] == [first.json()["id"]]
