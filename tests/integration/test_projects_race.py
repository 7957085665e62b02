"""Two clients update one project with the same If-Match at the same moment, through the
API, over moto's server in its own process answering one request at a time (so, as on
DynamoDB, each conditional write is atomic; moto's threaded server and moto in-process are
not): exactly one answers 200 and the other 412."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client

from adapters.dynamodb.bootstrap import create_missing
from adapters.dynamodb.catalog import tables_for
from nexus.config import load_config
from nexus.container import build_container, set_container

PASSWORD = "correct horse battery 9"


@pytest.fixture(scope="module")
def serial_endpoint():  # type: ignore[no-untyped-def]
    from nexus.embedded import moto_server_process

    with moto_server_process(serialised=True) as url:
        yield url


@pytest.fixture
def server_stack(serial_endpoint, monkeypatch, settings):  # type: ignore[no-untyped-def]
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-2",
    }.items():
        monkeypatch.setenv(name, value)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cfg = replace(
        load_config(),
        dynamodb_endpoint=serial_endpoint,
        s3_endpoint=serial_endpoint,
        is_aws=False,
        features=("project_management",),
        environment="race",
    )
    built = build_container(cfg)
    create_missing(built.gateways.dynamo(), tables_for(cfg.features))
    built.gateways.object_store().ensure_bucket()
    previous = set_container(built)
    yield built
    set_container(previous)


def _signed_in(http: Client, email: str) -> dict[str, str]:
    body = {"email": email, "password": PASSWORD, "display_name": "Racer"}
    http.post("/api/auth/register", body, content_type="application/json")
    tokens = http.post(
        "/api/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json"
    ).json()
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}


def _post(http: Client, path: str, body: Any, headers: dict[str, str]) -> Any:
    response = http.post(path, body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    return response.json()


def test_a_concurrent_double_update_gets_one_200_and_one_412(server_stack) -> None:  # type: ignore[no-untyped-def]
    http = Client()
    auth = _signed_in(http, f"racer-{id(server_stack)}@example.com")
    org = _post(http, "/api/organizations", {"name": "Race org"}, auth)
    headers = {**auth, "HTTP_X_ORGANIZATION_ID": org["id"]}
    ws = _post(http, "/api/workspaces", {"name": "Track"}, headers)
    project = _post(http, f"/api/workspaces/{ws['id']}/projects", {"name": "Car"}, headers)
    path = f"/api/projects/{project['id']}"
    barrier, codes = threading.Barrier(2), []

    def update(name: str) -> None:
        barrier.wait()
        response = Client().patch(
            path, {"name": name}, content_type="application/json", HTTP_IF_MATCH='"1"', **headers
        )
        codes.append(response.status_code)

    threads = [threading.Thread(target=update, args=(n,)) for n in ("Left", "Right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 412]
    stored = http.get(path, **headers)
    assert stored["ETag"] == '"2"' and stored.json()["name"] in ("Left", "Right")
