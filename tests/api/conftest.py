"""API-tier fixtures: the real container over moto in-process, a client, signed-in users."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

_emails = itertools.count()
PASSWORD = "correct horse battery 9"
STAFF_EMAIL = "root@example.com"


@dataclass
class Caller:
    """A signed-in user: sends requests with its access token (and an organisation)."""

    http: Client
    email: str
    password: str
    user_id: str
    access: str
    refresh: str
    org_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        send = getattr(self.http, method.lower())
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.access}"}
        for name, value in {**self.headers, **headers}.items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        if body is None:
            return send(path, **extra)
        return send(path, body, content_type="application/json", **extra)


@pytest.fixture
def fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The features whose routes exist so far: every API test runs with them on, so the sweeps
# (tenancy, authentication, API keys, fuzzing) cover their operations too.
ROUTED_FEATURES = ("project_management", "analytics", "agent_builder", "ai_lab")


@pytest.fixture
def stack(make_stack, fast_hashing):  # type: ignore[no-untyped-def]
    return make_stack(ROUTED_FEATURES)


@pytest.fixture
def http() -> Client:
    return Client(REMOTE_ADDR="10.0.0.1")


@pytest.fixture
def signup(stack, http):  # type: ignore[no-untyped-def]
    def make(name: str = "user", *, org: bool = False) -> Caller:
        email = f"{name}{next(_emails)}@example.com"
        password = PASSWORD
        registered = http.post(
            "/api/auth/register",
            {"email": email, "password": password, "display_name": name},
            content_type="application/json",
        )
        assert registered.status_code == 201, registered.content
        tokens = http.post(
            "/api/auth/login",
            {"email": email, "password": password},
            content_type="application/json",
        ).json()
        caller = Caller(
            http,
            email,
            password,
            registered.json()["id"],
            tokens["access_token"],
            tokens["refresh_token"],
        )
        if org:
            created = caller.call("POST", "/api/organizations", {"name": f"{name} org"})
            assert created.status_code == 201, created.content
            caller.org_id = created.json()["id"]
        return caller

    return make


@pytest.fixture
def staff(stack):  # type: ignore[no-untyped-def]
    """The first staff user (root@example.com)."""
    from nexus.container import container

    return container().identity.staff().create_staff(email=STAFF_EMAIL, password=PASSWORD)


@pytest.fixture
def admin_client(staff) -> Client:  # type: ignore[no-untyped-def]
    """A browser signed in to the admin as the staff user."""
    client = Client(REMOTE_ADDR="10.0.0.2")
    response = client.post("/admin/login/", {"username": STAFF_EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client
