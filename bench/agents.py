"""The agent builder's workloads: saving and loading a 200-node flow through the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.test import Client

FLOW_NODES = 200


def chain_flow(n: int) -> dict[str, Any]:
    """input -> llm_call x (n - 2) -> output, with positions and a small canvas."""
    kinds = ["input", *["llm_call"] * (n - 2), "output"]
    nodes = [
        {"id": f"n{i}", "type": t, "position": {"x": i * 10.5, "y": 0}, "data": {"i": i}}
        for i, t in enumerate(kinds)
    ]
    edges = [
        {"id": f"e{i}", "source": f"n{i}", "target": f"n{i + 1}", "target_handle": "prompt"}
        for i in range(n - 1)
    ]
    edges[-1].pop("target_handle")
    return {"nodes": nodes, "edges": edges, "canvas": {"viewport": {"x": 0, "y": 0, "zoom": 1}}}


class AgentsBench:
    def __init__(self, http: Client, headers: dict[str, str], project_id: str) -> None:
        self.http = http
        self.headers = headers
        created = http.post(
            f"/api/projects/{project_id}/agents",
            {"name": "Bench agent"},
            content_type="application/json",
            **headers,
        )
        assert created.status_code == 201, created.content
        self.flow = f"/api/agents/{created.json()['id']}/flow"
        self.body = chain_flow(FLOW_NODES)
        self.save()

    def save(self) -> object:
        response = self.http.put(
            self.flow, self.body, content_type="application/json", **self.headers
        )
        assert response.status_code == 200, response.content
        return response

    def load(self) -> object:
        return self.http.get(self.flow, **self.headers)

    def operations(self) -> Iterator[tuple[str, Callable[[], object]]]:
        yield f"PUT /api/agents/{{id}}/flow ({FLOW_NODES} nodes)", self.save
        yield f"GET /api/agents/{{id}}/flow ({FLOW_NODES} nodes)", self.load
