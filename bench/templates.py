"""The templates marketplace's workloads through the API: listing (the organisation's, the
public one merged over its shards, and everything a member sees) and using a template (the
request's transaction, then the TemplateUsed consumer counting it); DynamoDB calls and
capacity units of each."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.test import Client

from adapters.dynamodb.recorder import CallRecord
from adapters.events.relay import relay_once
from domains.shared.events import DomainEvent

PAGE = 25
EACH = 40  # templates of each visibility


def template_body(n: int, visibility: str) -> dict[str, Any]:
    nodes = [
        {"id": "in", "type": "input"},
        {"id": "llm", "type": "llm_call"},
        {"id": "out", "type": "output"},
    ]
    edges = [
        {"id": "e1", "source": "in", "target": "llm", "target_handle": "prompt"},
        {"id": "e2", "source": "llm", "target": "out"},
    ]
    return {
        "name": f"Bench template {n}",
        "category": ("assistant", "retrieval", "support")[n % 3],
        "visibility": visibility,
        "tags": ["bench"],
        "content": {
            "nodes": nodes,
            "edges": edges,
            "canvas": {},
            "configs": {"llm": {"model": "gpt-4o-mini"}},
        },
    }


class TemplatesBench:
    def __init__(self, container: Any, http: Client, headers: dict[str, str], project: str):
        self.container = container
        self.http = http
        self.headers = headers
        self.project = project
        made = []
        for visibility in ("organization", "public"):
            for n in range(EACH):
                created = http.post(
                    "/api/templates",
                    template_body(n, visibility),
                    content_type="application/json",
                    **headers,
                )
                assert created.status_code == 201, created.content
                made.append(created.json()["id"])
        self.template = made[-1]
        self._pending: list[DomainEvent] = []
        self._drain()

    def _drain(self) -> list[DomainEvent]:
        events: list[DomainEvent] = []
        relay_once(self.container.outbox(), events.append, limit=1000)
        return events

    def _list(self, query: str) -> Any:
        def call() -> object:
            response = self.http.get(f"/api/templates?limit={PAGE}{query}", **self.headers)
            assert response.status_code == 200 and len(response.json()["items"]) == PAGE
            return response

        return call

    def _category(self) -> object:
        query = "?limit=10&visibility=public&sort=recency&category=assistant"
        response = self.http.get(f"/api/templates{query}", **self.headers)
        assert response.status_code == 200 and len(response.json()["items"]) == 10
        return response

    def use(self) -> object:
        response = self.http.post(
            f"/api/templates/{self.template}/use",
            {"project_id": self.project},
            content_type="application/json",
            **self.headers,
        )
        assert response.status_code == 201, response.content
        return response

    def count_use(self) -> object:
        """The templates consumer alone (the relay and the other consumers are not its)."""
        (used,) = self._pending
        return self.container.templates.stats().consume(used)

    def operations(self) -> Iterator[tuple[str, list[CallRecord]]]:
        recorder = self.container.gateways.recorder()
        self._drain()
        steps = [
            ("GET /api/templates org, newest", self._list("&visibility=organization&sort=recency")),
            ("GET /api/templates org, popular", self._list("&visibility=organization")),
            ("GET /api/templates public, popular", self._list("&visibility=public")),
            ("GET /api/templates public, newest", self._list("&visibility=public&sort=recency")),
            ("GET /api/templates public, newest, a category", self._category),
            ("GET /api/templates all visible, popular", self._list("")),
            ("POST /api/templates/{id}/use", self.use),
            ("  TemplateUsed consumer (count, popularity)", self.count_use),
        ]  # fmt: skip
        for name, step in steps:
            if step == self.count_use:
                self._pending = [e for e in self._drain() if e.name == "TemplateUsed"]
            with recorder.capture() as calls:
                step()
            yield name, list(calls)
