"""The execution history's workloads through the API: logging one run (small, and with 50
steps) and reading a page of 25 runs; DynamoDB calls and capacity units of each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from django.test import Client

from adapters.dynamodb.recorder import CallRecord

PAGE = 25
STEPS = 50


def run_body(steps: int, minutes_ago: int) -> dict[str, Any]:
    started = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return {
        "status": "succeeded",
        "started_at": started.isoformat(),
        "duration_ms": 1840,
        "version": 1,
        "model": "gpt-4o-mini",
        "tokens_in": 1200,
        "tokens_out": 350,
        "cost": "0.0042",
        "inputs": {"question": "What changed in the last release?"},
        "outputs": {"answer": "The flow editor saves canvases whole."},
        "steps": [
            {
                "node_id": f"n{i}",
                "status": "succeeded",
                "started_at": started.isoformat(),
                "duration_ms": 30,
                "tokens": 30,
                "cost": "0.0001",
            }
            for i in range(steps)
        ],
    }


class RunsBench:
    def __init__(self, container: Any, http: Client, headers: dict[str, str], project: str):
        self.container = container
        self.http = http
        self.headers = headers
        created = http.post(
            f"/api/projects/{project}/agents",
            {"name": "Bench runs agent"},
            content_type="application/json",
            **headers,
        )
        assert created.status_code == 201, created.content
        self.path = f"/api/agents/{created.json()['id']}/runs"
        self.logged = 0
        for _ in range(PAGE + 5):
            self.log(0)

    def log(self, steps: int) -> object:
        self.logged += 1
        response = self.http.post(
            self.path,
            run_body(steps, self.logged),
            content_type="application/json",
            **self.headers,
        )
        assert response.status_code == 201, response.content
        return response

    def page(self) -> object:
        response = self.http.get(f"{self.path}?limit={PAGE}", **self.headers)
        assert response.status_code == 200 and len(response.json()["items"]) == PAGE
        return response

    def operations(self) -> Iterator[tuple[str, list[CallRecord]]]:
        recorder = self.container.gateways.recorder()
        steps = [
            ("POST /api/agents/{agentId}/runs (small)", lambda: self.log(0)),
            (f"POST /api/agents/{{agentId}}/runs ({STEPS} steps)", lambda: self.log(STEPS)),
            (f"GET /api/agents/{{agentId}}/runs (page of {PAGE})", self.page),
        ]
        for name, step in steps:
            with recorder.capture() as calls:
                step()
            yield name, list(calls)
