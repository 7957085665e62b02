"""Execution history API fixtures: the agents fixtures (a crew with an editor and a viewer on
a project, an outsider), an agent of the crew's project, and a run body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.agents.conftest import crew, new_agent
from tests.api.projects.conftest import outsider, team

__all__ = ["crew", "outsider", "team"]


@pytest.fixture
def agent(crew):  # type: ignore[no-untyped-def]
    return new_agent(crew["member"], crew["project"]["id"])


def when(**ago: float) -> str:
    return (datetime.now(UTC) - timedelta(**(ago or {"minutes": 5}))).isoformat()


def run_body(**extra: Any) -> dict[str, Any]:
    return {
        "status": "succeeded",
        "started_at": when(minutes=5),
        "duration_ms": 1840,
        "version": 3,
        "model": "gpt-4o-mini",
        "tokens_in": 1200,
        "tokens_out": 350,
        "cost": "0.0042",
        "inputs": {"question": "why?", "temperature": 0.1},
        "outputs": {"answer": "because"},
        "steps": [
            {
                "node_id": "n1",
                "status": "succeeded",
                "started_at": when(minutes=5),
                "duration_ms": 900,
                "tokens": 800,
                "cost": 0.003,
            },
            {"node_id": "n2", "status": "succeeded", "duration_ms": 800, "tokens": 750},
        ],
        **extra,
    }


def runs_path(agent_id: str) -> str:
    return f"/api/agents/{agent_id}/runs"
