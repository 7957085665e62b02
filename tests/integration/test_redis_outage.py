"""Redis stops while the API takes changes: every request still answers 2xx (events wait in
the DynamoDB outbox), and once Redis is back the worker and beat relay them all to the
activity feed. Redis here is a server of the test's own, so stopping it disturbs nothing
else; DynamoDB is moto's server in its own process, shared with the worker."""

from __future__ import annotations

import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.test import Client

from nexus.container import Container
from nexus.embedded import free_port
from tests.integration.served import served_container

FEATURES = ("project_management", "analytics")
PASSWORD = "correct horse battery 9"


class OwnRedis:
    """redis-server on a free port, which the test stops and starts again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="nexus-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        cmd += ["--appendonly", "no", "--dir", self.dir]
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def served(tf_moto_endpoint, own_redis, monkeypatch) -> Iterator[Container]:  # type: ignore[no-untyped-def]
    queue = f"outage-{uuid.uuid4().hex[:6]}"
    env = {"NEXUS_REDIS_URL": own_redis.url, "NEXUS_CELERY_QUEUE": queue}
    yield from served_container(monkeypatch, tf_moto_endpoint, FEATURES, **env)


@pytest.fixture
def background(served) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """A worker and beat, started as `make dev` starts them."""
    from nexus.background import start_celery, stop_all

    processes = start_celery()
    yield
    stop_all(processes)


def _feed(root: Container, org_id: str, user_id: str) -> list[str]:
    from domains.analytics.model import FeedFilter
    from domains.shared.pagination import PageRequest
    from domains.shared.tenancy import Principal

    ctx = root.tenancy().resolve(Principal(user_id), org_id)
    page = root.analytics.activity().feed(ctx=ctx, filter=FeedFilter(), page=PageRequest(100))
    return [entry.type for entry in page.items]


def test_with_redis_down_the_api_answers_and_no_event_is_lost(
    served, own_redis, background, settings
):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    http = Client()
    account = {"email": f"o{uuid.uuid4().hex[:8]}@example.com", "password": PASSWORD}
    user_id = http.post("/api/auth/register", account, content_type="application/json").json()["id"]
    token = http.post("/api/auth/login", account, content_type="application/json").json()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token['access_token']}"}
    org = http.post("/api/organizations", {"name": "O"}, content_type="application/json", **auth)
    headers = {**auth, "HTTP_X_ORGANIZATION_ID": org.json()["id"]}

    own_redis.stop()
    for n in range(5):
        made = http.post(
            "/api/workspaces", {"name": f"W{n}"}, content_type="application/json", **headers
        )
        assert made.status_code == 201, made.content
    own_redis.start()

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if _feed(served, org.json()["id"], user_id).count("WorkspaceCreated") == 5:
            break
        time.sleep(0.5)
    assert _feed(served, org.json()["id"], user_id).count("WorkspaceCreated") == 5
