"""The stack served over HTTP on a real port (Django's WSGI app in a thread, over moto's
server in its own process) with an organisation, a project and an API key, for the
unchanged MLflow client: the integration test and the bench use it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

PASSWORD = "correct horse battery 9"
FEATURES = ("project_management", "ai_lab")
KEY_PERMISSIONS = [
    "project:read",
    "lab:read",
    "lab:write",
    "model:read",
    "model:write",
    "model:deploy",
]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Threads(WSGIServer):
    """One thread per request (the MLflow client keeps connections alive)."""

    daemon_threads = True

    def process_request(self, request: Any, client_address: Any) -> None:
        worker = threading.Thread(target=self._serve, args=(request, client_address))
        worker.daemon = True
        worker.start()

    def _serve(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


@contextmanager
def serving() -> Iterator[str]:
    """The Django app at http://127.0.0.1:<port> until the block ends."""
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    server = make_server("127.0.0.1", 0, WSGIHandler(), server_class=_Threads, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Tenant:
    org_id: str
    project_id: str
    api_key: str
    access: str  # the owner's access token (for our own REST API)


def _ok(response: Any) -> Any:
    assert response.status_code in (200, 201), response.content
    return response.json()


def new_tenant(tag: str) -> Tenant:
    """A user with an organisation, a workspace, a project and an API key of the lab."""
    http = Client(REMOTE_ADDR="10.0.0.7")
    email = f"mlflow-{tag}@example.com"
    body = {"email": email, "password": PASSWORD, "display_name": "MLflow user"}
    _ok(http.post("/api/auth/register", body, content_type="application/json"))
    login = {"email": email, "password": PASSWORD}
    access = _ok(http.post("/api/auth/login", login, content_type="application/json"))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {access['access_token']}"}

    def post(path: str, payload: Any, **headers: str) -> Any:
        return _ok(http.post(path, payload, content_type="application/json", **auth, **headers))

    org_id = post("/api/organizations", {"name": f"{tag} org"})["id"]
    scoped = {"HTTP_X_ORGANIZATION_ID": org_id}
    workspace = post("/api/workspaces", {"name": "Research"}, **scoped)["id"]
    project = post(f"/api/workspaces/{workspace}/projects", {"name": "Churn"}, **scoped)["id"]
    key = post(
        f"/api/organizations/{org_id}/api-keys",
        {"name": "mlflow", "permissions": KEY_PERMISSIONS},
        **scoped,
    )
    return Tenant(org_id, project, key["key"], access["access_token"])
