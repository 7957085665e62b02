"""100 concurrent POST /api/templates/{id}/use on one template, through the API, over moto's
server in its own process answering one request at a time (so each conditional write and
transaction is atomic, as on DynamoDB; moto in-process is not thread-safe): 100 agents, and,
once the TemplateUsed events are delivered (each twice, concurrently, as a redelivering
relay would), a usage count of exactly 100 with popularity following."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client

from adapters.dynamodb.bootstrap import create_missing
from adapters.dynamodb.catalog import tables_for
from adapters.events.relay import relay_once
from domains.shared.events import DomainEvent
from nexus.config import load_config
from nexus.container import Container, build_container, set_container
from nexus.events import dispatch

PASSWORD = "correct horse battery 9"
USES = 100


@pytest.fixture(scope="module")
def serial_endpoint() -> Iterator[str]:
    from nexus.embedded import moto_server_process

    with moto_server_process(serialised=True) as url:
        yield url


@pytest.fixture
def server_stack(serial_endpoint, monkeypatch, settings) -> Iterator[Container]:  # type: ignore[no-untyped-def]
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
        environment="templates",
    )
    built = build_container(cfg)
    create_missing(built.gateways.dynamo(), tables_for(cfg.features))
    built.gateways.object_store().ensure_bucket()
    previous = set_container(built)
    yield built
    set_container(previous)


def _signed_in(http: Client, email: str) -> dict[str, str]:
    body = {"email": email, "password": PASSWORD, "display_name": "User"}
    http.post("/api/auth/register", body, content_type="application/json")
    tokens = http.post(
        "/api/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json"
    ).json()
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}


def _post(http: Client, path: str, body: Any, headers: dict[str, str]) -> Any:
    response = http.post(path, body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    return response.json()


FLOW = {
    "nodes": [
        {"id": "in", "type": "input"},
        {"id": "llm", "type": "llm_call"},
        {"id": "out", "type": "output"},
    ],
    "edges": [
        {"id": "e1", "source": "in", "target": "llm", "target_handle": "prompt"},
        {"id": "e2", "source": "llm", "target": "out"},
    ],
    "canvas": {},
    "configs": {"llm": {"model": "gpt-4o-mini"}},
}


def test_a_hundred_concurrent_uses_count_a_hundred(server_stack: Container) -> None:
    http = Client()
    auth = _signed_in(http, f"author-{id(server_stack)}@example.com")
    org = _post(http, "/api/organizations", {"name": "Template org"}, auth)
    headers = {**auth, "HTTP_X_ORGANIZATION_ID": org["id"]}
    ws = _post(http, "/api/workspaces", {"name": "Shop"}, headers)
    project = _post(http, f"/api/workspaces/{ws['id']}/projects", {"name": "Bots"}, headers)
    template = _post(
        http,
        "/api/templates",
        {"name": "Starter", "category": "assistant", "content": FLOW},
        headers,
    )
    path = f"/api/templates/{template['id']}/use"
    relay_once(server_stack.outbox(), lambda event: None, limit=1000)  # setup's events: gone

    def use(i: int) -> int:
        client = Client(REMOTE_ADDR=f"10.0.2.{i % 250}")  # one per thread
        body = {"project_id": project["id"], "name": f"Agent {i}"}
        answer = client.post(path, body, content_type="application/json", **headers)
        return int(answer.status_code)

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(use, range(USES)))
    assert codes == [201] * USES

    events: list[DomainEvent] = []
    relay_once(server_stack.outbox(), events.append, limit=1000)
    used = [e for e in events if e.name == "TemplateUsed"]
    assert len(used) == USES and len({e.data["agent_id"] for e in used}) == USES
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(dispatch, used + used))  # every event twice, concurrently

    got = http.get(f"/api/templates/{template['id']}", **headers).json()
    assert got["usage_count"] == USES
    assert got["popularity"] == 10 * USES
    agents = http.get(f"/api/projects/{project['id']}/agents?limit=100", **headers).json()["items"]
    assert len(agents) == USES


def test_concurrent_ratings_keep_the_average_exact(server_stack: Container) -> None:
    """30 people rate at once, then each changes their stars at once, and a third removes
    theirs: the listing's sum and count are exactly the ratings' (ADD in each rating's
    transaction, never read-modify-write)."""
    from domains.shared.ids import new_id
    from domains.shared.permissions import permissions_for
    from domains.shared.tenancy import Principal, TenantContext

    http = Client()
    auth = _signed_in(http, f"rated-{id(server_stack)}@example.com")
    org = _post(http, "/api/organizations", {"name": "Rated org"}, auth)
    headers = {**auth, "HTTP_X_ORGANIZATION_ID": org["id"]}
    template = _post(
        http,
        "/api/templates",
        {"name": "Rated", "category": "assistant", "content": FLOW},
        headers,
    )
    people = [
        TenantContext(
            org["id"], Principal(f"rater-{new_id()}"), "member", permissions_for("member")
        )
        for _ in range(30)
    ]
    service = server_stack.templates.templates()

    def rate(pair: tuple[int, TenantContext], shift: int = 0) -> None:
        i, ctx = pair
        service.rate(ctx=ctx, template_id=template["id"], stars=(i + shift) % 5 + 1)

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(rate, enumerate(people)))
        list(pool.map(lambda pair: rate(pair, 2), enumerate(people)))
        list(pool.map(lambda ctx: service.unrate(ctx=ctx, template_id=template["id"]), people[::3]))
    kept = [(i + 2) % 5 + 1 for i in range(30) if i % 3]
    got = http.get(f"/api/templates/{template['id']}", **headers).json()
    assert got["rating_count"] == len(kept) == 20
    assert got["rating_average"] == round(sum(kept) / len(kept), 3)
