"""Three editors publish one agent at the same moment, through the API, over moto's server in
its own process answering one request at a time (each conditional write atomic, as on
DynamoDB): every publish succeeds, each with a number of its own (1, 2, 3), because the
losers of the race on the agent's published_version read it again and take the next."""

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
RACERS = 3


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
        features=("project_management", "agent_builder"),
        environment="versionrace",
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


def _send(http: Client, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    response = getattr(http, method)(path, body, content_type="application/json", **headers)
    assert response.status_code in (200, 201), response.content
    return response.json()


def test_racing_publishes_each_take_a_number_of_their_own(server_stack) -> None:  # type: ignore[no-untyped-def]
    http = Client()
    auth = _signed_in(http, f"publisher-{id(server_stack)}@example.com")
    org = _send(http, "post", "/api/organizations", {"name": "Race org"}, auth)
    headers = {**auth, "HTTP_X_ORGANIZATION_ID": org["id"]}
    ws = _send(http, "post", "/api/workspaces", {"name": "Track"}, headers)
    project = _send(http, "post", f"/api/workspaces/{ws['id']}/projects", {"name": "C"}, headers)
    agent = _send(http, "post", f"/api/projects/{project['id']}/agents", {"name": "A"}, headers)
    flow = {
        "nodes": [{"id": "i", "type": "input"}, {"id": "o", "type": "output"}],
        "edges": [{"id": "e", "source": "i", "target": "o"}],
        "canvas": {},
    }
    _send(http, "put", f"/api/agents/{agent['id']}/flow", flow, headers)
    path = f"/api/agents/{agent['id']}/versions"
    barrier, answers = threading.Barrier(RACERS), []

    def publish(note: str) -> None:
        barrier.wait()
        response = Client().post(path, {"note": note}, content_type="application/json", **headers)
        answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=publish, args=(f"racer {n}",)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [code for code, _ in answers] == [201] * RACERS, answers
    assert sorted(body["number"] for _, body in answers) == list(range(1, RACERS + 1))
    listed = http.get(path, **headers).json()["items"]
    by_number = {v["number"]: v["note"] for v in listed}
    assert sorted(by_number) == list(range(1, RACERS + 1))
    assert {body["number"]: body["note"] for _, body in answers} == by_number
    stored = http.get(f"/api/agents/{agent['id']}", **headers).json()
    assert stored["published_version"] == RACERS
