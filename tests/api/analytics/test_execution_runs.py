"""Execution analytics of runs logged through the runs API (POST /api/agents/{id}/runs: the
runs context's own items and AgentRunLogged events), relayed from the outbox to the
consumers and rolled up by the beat's task, as in production."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from adapters.events.relay import relay_once
from domains.analytics.execution import FINE_ERROR
from domains.shared.events import DomainEvent
from nexus.container import container
from nexus.events import dispatch
from nexus.tasks_analytics import roll_up_dirty
from tests.api.agents.conftest import crew, new_agent
from tests.api.analytics.test_execution import check
from tests.api.projects.conftest import team

__all__ = ["crew", "team"]


def _deliver(event: DomainEvent) -> None:
    """What the worker does with a relayed event: hand it to every consumer."""
    dispatch(event)


def test_runs_logged_through_the_api_are_reported(crew):  # type: ignore[no-untyped-def]
    member = crew["member"]
    agents = [new_agent(member, crew["project"]["id"], name) for name in ("Triage", "Summary")]
    rng = random.Random(9)
    now = datetime.now(UTC)
    logged: list[dict[str, Any]] = []
    for n in range(24):
        agent = agents[n % 2]
        started = now - timedelta(hours=rng.choice([1, 2, 26]), minutes=rng.randrange(50))
        body: dict[str, Any] = {
            "status": rng.choice(["succeeded", "succeeded", "failed", "cancelled"]),
            "started_at": started.isoformat(),
            "duration_ms": rng.randrange(50, 90_000),
            "version": rng.choice([1, 2]),
            "model": "gpt-4o-mini",
            "tokens_in": rng.randrange(3000),
            "tokens_out": rng.randrange(900),
            "cost": str(Decimal(rng.randrange(10**8)) / Decimal(10**12)),
        }
        created = member.call("POST", f"/api/agents/{agent['id']}/runs", body)
        assert created.status_code == 201, created.content
        logged.append({**body, "agent_id": agent["id"], "cost": Decimal(body["cost"])})
    relay_once(container().outbox(), _deliver, limit=1000)
    report = roll_up_dirty()
    assert report["cleared"] == report["marks"] >= 3
    since = (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = crew["viewer"].call("GET", f"/api/analytics/execution?from={since}")
    assert response.status_code == 200, response.content
    found = response.json()
    check(found["total"], logged, FINE_ERROR)
    assert {row["agent_id"] for row in found["by_agent"]} == {a["id"] for a in agents}
    assert [row["user_id"] for row in found["by_user"]] == [member.user_id]
    assert {(row["agent_id"], row["version"]) for row in found["by_version"]} == {
        (run["agent_id"], str(run["version"])) for run in logged
    }
