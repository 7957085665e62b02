"""The browser tier: the running stack (Django's server over moto's server, in their own
processes, with every table created and seeded) driven by Debian's Chromium via Playwright.

Screenshots go to `artifacts/` at the repository root (gitignored).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.dynamodb.bootstrap import create_missing
from adapters.dynamodb.catalog import FEATURES, tables_for
from domains.identity.model import Setting, User
from domains.shared.ids import new_id
from domains.shared.tenancy import Principal
from nexus.config import load_config
from nexus.container import Container, build_container
from nexus.embedded import free_port, moto_server_process

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery 9"
STAFF_EMAIL = "staff@example.com"
PLAIN_EMAIL = "plain@example.com"
SEEDED_USERS = 32  # more than one page of 25


@dataclass
class LiveStack:
    url: str
    root: Container
    staff: User
    org_ids: list[str]

    @property
    def staff_principal(self) -> Principal:
        return Principal(self.staff.id, is_staff=True)


def _seed(root: Container) -> tuple[User, list[str]]:
    identity = root.identity
    staff = identity.staff().create_staff(email=STAFF_EMAIL, password=PASSWORD)
    now = datetime.now(UTC)
    users = [
        User(new_id(), PLAIN_EMAIL, "Plain", staff.password_hash, now, now),
        *(
            User(new_id(), f"user{n:02d}@example.com", f"User {n}", staff.password_hash, now, now)
            for n in range(SEEDED_USERS)
        ),
    ]
    for user in users:  # one hash for all: hashing is the slow part of registering
        with identity.uow()() as uow:
            uow.users.add(user)
            uow.commit()
    org_ids = [
        identity.organizations().create(principal=Principal(users[n + 1].id), name=f"Org {n}").id
        for n in range(3)
    ]
    with identity.uow()() as uow:
        uow.settings.add(Setting("ui.banner", "string", "hello", "", new_id(), staff.id, now))
        uow.commit()
    return staff, org_ids


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited early"
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server never answered")


@pytest.fixture(scope="session")
def live_stack() -> Iterator[LiveStack]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with moto_server_process() as endpoint:
        env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "NEXUS_DYNAMODB_ENDPOINT": endpoint,
            "NEXUS_S3_ENDPOINT": endpoint,
            "NEXUS_ENVIRONMENT": "local",
            "NEXUS_FEATURES": "all",
        }
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        cfg = replace(
            load_config(),
            dynamodb_endpoint=endpoint,
            s3_endpoint=endpoint,
            environment="local",
            features=FEATURES,
            is_aws=False,
        )
        root = build_container(cfg)
        create_missing(root.gateways.dynamo(), tables_for(FEATURES))
        staff, org_ids = _seed(root)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(url, server)
            yield LiveStack(url, root, staff, org_ids)
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_stack) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) per test."""
    context = browser.new_context(base_url=live_stack.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page: Any, email: str = STAFF_EMAIL, password: str = PASSWORD) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"admin-{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target
