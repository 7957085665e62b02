"""GET /api/analytics/execution: runs written to `agent-execution-history` as the runs context
writes them (keys of its table definition, the run's top-level attributes), their
AgentRunLogged events handed to the consumers as the relay does, the beat's task rolling up
the hours they marked; the answer checked against a brute force over the same runs.
Refusals: 422 (window, filters), 403 (no analytics:read), 404 (another organisation)."""

from __future__ import annotations

import io
import math
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from adapters.dynamodb.codec import decode_item, encode_item
from domains.analytics.execution import BREAKDOWN_ERROR, FINE_ERROR
from domains.shared.clock import isoformat
from domains.shared.events import DomainEvent
from domains.shared.ids import new_id
from nexus.container import container
from nexus.events import dispatch
from nexus.tasks_analytics import roll_up_dirty

RUNS_TABLE = "agent-execution-history"
STATUSES = ("succeeded", "succeeded", "failed", "cancelled")
# 1 GetItem resolves the tenant, then 1 Query per roll-up: totals, by agent, user, version
EXECUTION_CALLS = [("GetItem", "organization-memberships")] + [
    ("Query", "aggregated-analytics")
] * 4


def log_run(org_id: str, run: dict[str, Any], *, late: timedelta = timedelta()) -> None:
    """Write the run item as the runs context does, then deliver its AgentRunLogged event
    (made when it was logged) to the consumers."""
    started: datetime = run["started_at"]
    stamp = f"{isoformat(started)}#{run['run_id']}"
    item = {
        "pk": f"ORG#{org_id}#AGENT#{run['agent_id']}",
        "sk": f"RUN#{stamp}",
        "gsi1pk": f"ORG#{org_id}#USER#{run['user_id']}",
        "gsi1sk": stamp,
        "gsi2pk": f"ORG#{org_id}#DAY#{started:%Y-%m-%d}",
        "gsi2sk": stamp,
        "gsi3pk": f"ORG#{org_id}#AGENT#{run['agent_id']}#STATUS#{run['status']}",
        "gsi3sk": stamp,
        "org_id": org_id,
        **run,
        "cost": str(run["cost"]),
        "inputs": '{"q": "a question"}',
    }
    container().gateways.dynamo().put_item(RUNS_TABLE, Item=encode_item(item))
    event = DomainEvent(
        "AgentRunLogged",
        org_id,
        run["user_id"],
        "agent_run",
        run["run_id"],
        started + late,
        {
            "agent_id": run["agent_id"],
            "project_id": new_id(),
            "run_id": run["run_id"],
            "version": run["version"],
            "status": run["status"],
            "started_at": isoformat(started),
            "duration_ms": run["duration_ms"],
            "tokens_in": run["tokens_in"],
            "tokens_out": run["tokens_out"],
            "cost": str(run["cost"]),
            "model": "gpt-4o-mini",
        },
    )
    dispatch(event)


def random_runs(rng: random.Random, n: int, hours: Sequence[datetime]) -> list[dict[str, Any]]:
    """`n` runs started at random in the given hours, by 3 agents (3 versions each), 3 users."""
    agents, users = [new_id() for _ in range(3)], [new_id() for _ in range(3)]
    runs = []
    for _ in range(n):
        timed = rng.random() > 0.1
        started = rng.choice(hours) + timedelta(milliseconds=rng.randrange(3_600_000))
        runs.append(
            {
                "run_id": new_id(),
                "agent_id": rng.choice(agents),
                "user_id": rng.choice(users),
                "version": rng.randint(1, 3),
                "status": rng.choice(STATUSES),
                "started_at": started,
                "duration_ms": int(rng.lognormvariate(7, 1.4)) if timed else None,
                "tokens_in": rng.randrange(4000),
                "tokens_out": rng.randrange(1500),
                "cost": Decimal(rng.randrange(10**9)) / Decimal(10**12),
                "model": "gpt-4o-mini",
            }
        )
    return runs


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _nearest_rank(values: Sequence[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def check(summary: dict[str, Any], runs: Sequence[dict[str, Any]], error: float) -> None:
    """The endpoint's summary against the brute force over `runs`."""
    count = len(runs)
    ok = sum(r["status"] == "succeeded" for r in runs)
    failed = sum(r["status"] == "failed" for r in runs)
    assert (summary["runs"], summary["succeeded"], summary["failed"]) == (count, ok, failed)
    assert summary["success_rate"] == (round(ok / count, 6) if count else 0.0)
    assert summary["failure_rate"] == (round(failed / count, 6) if count else 0.0)
    assert summary["tokens_in"] == sum(r["tokens_in"] for r in runs)
    assert summary["tokens_out"] == sum(r["tokens_out"] for r in runs)
    assert Decimal(summary["cost"]) == sum((r["cost"] for r in runs), Decimal(0))
    durations = [r["duration_ms"] for r in runs if r["duration_ms"] is not None]
    assert summary["timed_runs"] == len(durations)
    latency = summary["latency_ms"]
    assert latency["relative_error"] == round(error, 4)
    for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        if not durations:
            assert latency[name] is None
            continue
        exact, found = _nearest_rank(durations, q), latency[name]
        high = math.inf if found["high"] is None else found["high"]
        assert found["low"] < exact <= high or (found["low"] == 0 and exact <= 1), (name, exact)


@pytest.fixture
def logged(org):  # type: ignore[no-untyped-def]
    """160 runs in 9 hours over the last three days in our organisation (some logged an hour
    late), 10 in another's, rolled up by the beat's task."""
    now = datetime.now(UTC)
    start = (now - timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
    last = int((now - start).total_seconds() // 3600) - 1  # the last whole hour
    rng = random.Random(42)
    hours = [start + timedelta(hours=h) for h in sorted({0, 6, 7, 23, 24, 30, 47, last, last - 1})]
    runs = random_runs(rng, 160, hours)
    for run in runs:
        log_run(org["owner"].org_id, run, late=timedelta(minutes=rng.choice([0, 3, 70])))
    for run in random_runs(rng, 10, hours[:2]):
        log_run(new_id(), run)
    report = roll_up_dirty()
    assert report["cleared"] == report["marks"] >= 1
    return runs, start


def _execution(caller, query: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = caller.call("GET", f"/api/analytics/execution?{query}")
    assert response.status_code == 200, response.content
    return response.json()  # type: ignore[no-any-return]


def _grouped(runs: Sequence[dict[str, Any]], *keys: str) -> dict[tuple[Any, ...], list[Any]]:
    found: dict[tuple[Any, ...], list[Any]] = {}
    for run in runs:
        found.setdefault(tuple(str(run[k]) for k in keys), []).append(run)
    return found


def test_the_report_matches_a_brute_force_over_the_runs(org, logged):  # type: ignore[no-untyped-def]
    runs, start = logged
    viewer = org["viewer"]  # a viewer holds analytics:read
    query = f"granularity=day&from={_iso(start)}&to={_iso(datetime.now(UTC))}"
    with container().gateways.recorder().capture() as calls:
        body = _execution(viewer, query)
    assert [(c.operation, c.table) for c in calls] == EXECUTION_CALLS
    assert body["filters"] == {"agent_id": None, "user_id": None, "version": None}
    check(body["total"], runs, FINE_ERROR)
    assert len(body["series"]) == 3
    for point in body["series"]:
        day = datetime.fromisoformat(point["period"].replace("Z", "+00:00"))
        check(
            point, [r for r in runs if day <= r["started_at"] < day + timedelta(days=1)], FINE_ERROR
        )
    for keys, name in ((("agent_id",), "by_agent"), (("user_id",), "by_user")):
        groups = _grouped(runs, *keys)
        assert len(body[name]) == len(groups)
        for row in body[name]:
            check(row, groups[(row[keys[0]],)], BREAKDOWN_ERROR)
    versions = _grouped(runs, "agent_id", "version")
    assert len(body["by_version"]) == len(versions)
    for row in body["by_version"]:
        check(row, versions[(row["agent_id"], row["version"])], BREAKDOWN_ERROR)


def test_hours_and_filters(org, logged):  # type: ignore[no-untyped-def]
    runs, start = logged
    owner = org["owner"]
    first, last = start + timedelta(hours=5), start + timedelta(hours=40)
    inside = [r for r in runs if first <= r["started_at"] < last + timedelta(hours=1)]
    window = f"granularity=hour&from={_iso(first)}&to={_iso(last)}"
    hours = _execution(owner, window)
    assert len(hours["series"]) == 36
    check(hours["total"], inside, FINE_ERROR)
    agent, version = inside[0]["agent_id"], inside[0]["version"]
    mine = _execution(owner, f"{window}&agent_id={agent}&version={version}")
    wanted = [r for r in inside if (r["agent_id"], r["version"]) == (agent, version)]
    check(mine["total"], wanted, BREAKDOWN_ERROR)
    assert mine["by_user"] is None and [a["agent_id"] for a in mine["by_agent"]] == [agent]
    user = inside[0]["user_id"]
    theirs = _execution(owner, f"{window}&user_id={user}")
    check(theirs["total"], [r for r in inside if r["user_id"] == user], BREAKDOWN_ERROR)
    assert theirs["by_agent"] is None and theirs["by_version"] is None


BAD_QUERIES = [
    ("granularity=week", ["query", "granularity"]),
    ("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", ["query", "from"]),
    ("granularity=hour&from=2026-03-01&to=2026-04-01T00:00:00Z", ["query", "to"]),
    (f"user_id={new_id()}&agent_id={new_id()}", ["query", "user_id"]),
    ("agent_id=" + "x" * 27, ["query", "agent_id"]),
]


def test_bad_queries_are_422_naming_the_field(org):  # type: ignore[no-untyped-def]
    for query, loc in BAD_QUERIES:
        response = org["owner"].call("GET", f"/api/analytics/execution?{query}")
        assert response.status_code == 422, (query, response.content)
        assert response.json()["errors"][0]["loc"] == loc, (query, response.json())


def test_an_api_key_needs_analytics_read(org, http):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    keys = f"/api/organizations/{owner.org_id}/api-keys"

    def mint(permissions: list[str]) -> str:
        minted = owner.call("POST", keys, {"name": "bot", "permissions": permissions})
        assert minted.status_code == 201, minted.content
        return minted.json()["key"]  # type: ignore[no-any-return]

    refused = http.get("/api/analytics/execution", HTTP_X_API_KEY=mint(["org:read"]))
    assert refused.status_code == 403, refused.content
    allowed = http.get("/api/analytics/execution", HTTP_X_API_KEY=mint(["analytics:read"]))
    assert allowed.status_code == 200, allowed.content


def test_another_organisation_sees_none_of_ours(org, outsider):  # type: ignore[no-untyped-def]
    owner = org["owner"]
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    for run in random_runs(random.Random(5), 5, [hour]):
        log_run(owner.org_id, run)
    roll_up_dirty()
    assert _execution(owner, "")["total"]["runs"] == 5
    probe = outsider.call("GET", "/api/analytics/execution", **{"X-Organization-Id": owner.org_id})
    assert probe.status_code == 404, probe.content
    own = _execution(outsider, "")
    assert own["total"]["runs"] == 0 and own["by_agent"] == []
    assert own["total"]["cost"] == "0" and own["total"]["latency_ms"]["p50"] is None


def _execution_items(org_id: str) -> dict[tuple[str, str], Any]:
    """Every execution roll-up item of the organisation (a Scan: a test may)."""
    items = container().gateways.dynamo().scan("aggregated-analytics")["Items"]
    decoded = [decode_item(item) for item in items]
    mine = f"ORG#{org_id}#METRIC#execution"
    return {(i["pk"], i["sk"]): i for i in decoded if i["pk"].startswith(mine)}


def test_recompute_rebuilds_the_same_execution_rollups(org, logged):  # type: ignore[no-untyped-def]
    _, start = logged
    org_id = org["owner"].org_id
    before = _execution_items(org_id)
    assert len({pk.split("#METRIC#")[1] for pk, _ in before}) == 8  # 4 metrics, hours and days
    dynamo = container().gateways.dynamo()
    for pk, sk in before:
        dynamo.delete_item("aggregated-analytics", Key={"pk": {"S": pk}, "sk": {"S": sk}})
    window = ["--from", _iso(start), "--to", _iso(datetime.now(UTC) + timedelta(hours=1))]
    call_command("recompute_rollups", *window, "--org", org["owner"].org_id, stdout=io.StringIO())
    assert _execution_items(org_id) == before
