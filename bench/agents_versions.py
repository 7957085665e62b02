"""Agent versions' workloads: publishing a 200-node flow as a version, reading it, listing,
diffing two and restoring one, through the API (DynamoDB calls and capacity units)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.test import Client

from bench.agents import FLOW_NODES, chain_flow


class AgentVersionsBench:
    def __init__(self, http: Client, headers: dict[str, str], project_id: str) -> None:
        self.http = http
        self.headers = headers
        created = http.post(
            f"/api/projects/{project_id}/agents",
            {"name": "Bench versions"},
            content_type="application/json",
            **headers,
        )
        assert created.status_code == 201, created.content
        agent_id = created.json()["id"]
        self.flow = f"/api/agents/{agent_id}/flow"
        self.versions = f"/api/agents/{agent_id}/versions"
        saved = http.put(
            self.flow, chain_flow(FLOW_NODES), content_type="application/json", **headers
        )
        assert saved.status_code == 200, saved.content
        self.publish()  # version 1: the diff and the restore below have two to work on

    def publish(self) -> object:
        response = self.http.post(
            self.versions, {"note": "bench"}, content_type="application/json", **self.headers
        )
        assert response.status_code == 201, response.content
        return response

    def read(self) -> object:
        return self.http.get(f"{self.versions}/1", **self.headers)

    def list(self) -> object:
        return self.http.get(self.versions, **self.headers)

    def diff(self) -> object:
        return self.http.get(f"{self.versions}/1/diff?against=2", **self.headers)

    def restore(self) -> object:
        response = self.http.post(f"{self.versions}/1/restore", **self.headers)
        assert response.status_code == 200, response.content
        return response

    def operations(self) -> Iterator[tuple[str, Callable[[], object]]]:
        yield f"POST /api/agents/{{id}}/versions ({FLOW_NODES} nodes)", self.publish
        yield f"GET /api/agents/{{id}}/versions/{{n}} ({FLOW_NODES} nodes)", self.read
        yield "GET /api/agents/{id}/versions (a page)", self.list
        yield f"GET .../versions/{{n}}/diff ({FLOW_NODES} nodes)", self.diff
        yield f"POST .../versions/{{n}}/restore ({FLOW_NODES} nodes)", self.restore
