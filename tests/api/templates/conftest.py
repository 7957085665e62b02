"""Templates API fixtures: the agents fixtures (an organisation with a project, its editor and
viewer; an outsider), a flow to publish, and helpers over the API."""

from __future__ import annotations

from typing import Any

from tests.api.agents.conftest import crew, new_agent
from tests.api.projects.conftest import new_project, new_workspace, outsider, team

__all__ = ["crew", "new_agent", "new_project", "new_workspace", "outsider", "team"]


def flow(n: int = 3) -> dict[str, Any]:
    """input -> llm_call x (n - 2) -> output, with a config for the first llm_call."""
    kinds = ["input", *["llm_call"] * (n - 2), "output"]
    nodes = [
        {"id": f"n{i}", "type": t, "position": {"x": i * 10.5, "y": 0}, "data": {"i": i}}
        for i, t in enumerate(kinds)
    ]
    edges = [
        {"id": f"e{i}", "source": f"n{i}", "target": f"n{i + 1}"} for i in range(len(nodes) - 1)
    ]
    for edge in edges[:-1]:
        edge["target_handle"] = "prompt"
    configs = {"n1": {"model": "gpt-4o-mini", "temperature": 0.2}} if n > 2 else {}
    canvas = {"viewport": {"x": 1, "y": 2, "zoom": 0.5}}
    return {"nodes": nodes, "edges": edges, "canvas": canvas, "configs": configs}


def body(**extra: Any) -> dict[str, Any]:
    return {
        "name": "RAG starter",
        "description": "Retrieve, then answer",
        "category": "retrieval",
        "tags": ["RAG", "starter"],
        "content": flow(),
        **extra,
    }


def new_template(caller: Any, **extra: Any) -> Any:
    created = caller.call("POST", "/api/templates", body(**extra))
    assert created.status_code == 201, created.content
    return created.json()


def relay() -> int:
    """Hand every committed event to its consumers (as the worker does); how many."""
    from adapters.events.relay import relay_once
    from domains.shared.events import DomainEvent
    from nexus.container import container
    from nexus.events import dispatch

    def hand_on(event: DomainEvent) -> None:
        dispatch(event)

    return relay_once(container().outbox(), hand_on, limit=1000)
