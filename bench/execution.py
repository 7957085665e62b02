"""Execution analytics' workload: GET /api/analytics/execution over 30 days of roll-ups.

The bench organisation gets 30 days of runs rolled up (8 busy hours a day, 40 runs an hour,
by 12 agents x 3 versions and 6 users: hour and day items of the four execution metrics,
computed by the registry's calculators and PUT as the beat's task does), then the report is
read by day and by hour over the 30 days, and filtered by an agent and by a user: DynamoDB
calls and capacity units per request (from the client wrapper's recorder) and latency.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.test import Client

from domains.analytics.execution import RunFact
from domains.analytics.metrics import RunMetricRegistry
from domains.analytics.rollups import DAY, HOUR, Rollup, period_start
from domains.shared.ids import new_id

DAYS = 30
BUSY_HOURS = (8, 9, 10, 11, 13, 14, 15, 16)
RUNS_PER_HOUR = 40


@dataclass(frozen=True)
class ExecutionLine:
    name: str
    calls: int
    read_units: float
    made: str
    median_ms: float


class ExecutionBench:
    def __init__(self, container: Any, http: Client, headers: dict[str, str], org_id: str):
        self.container = container
        self.http = http
        self.headers = headers
        rng = random.Random(30)
        self.agents = [new_id() for _ in range(12)]
        self.users = [new_id() for _ in range(6)]
        store = container.analytics.rollup_store()
        metrics = list(RunMetricRegistry())
        today = period_start(datetime.now(UTC), DAY)
        for d in range(DAYS):
            day = today - timedelta(days=d)
            hours: dict[str, list[Any]] = {m.name: [] for m in metrics}
            for h in BUSY_HOURS:
                hour = day + timedelta(hours=h)
                runs = [self._run(rng, hour) for _ in range(RUNS_PER_HOUR)]
                for metric in metrics:
                    measure = metric.compute(runs)
                    store.put(Rollup(org_id, metric.name, HOUR, hour, measure))
                    hours[metric.name].append(measure)
            for metric in metrics:
                store.put(Rollup(org_id, metric.name, DAY, day, metric.combine(hours[metric.name])))

    def _run(self, rng: random.Random, hour: datetime) -> RunFact:
        return RunFact(
            run_id=new_id(),
            agent_id=rng.choice(self.agents),
            user_id=rng.choice(self.users),
            version=str(rng.randint(1, 3)),
            status=rng.choice(["succeeded"] * 9 + ["failed"]),
            started_at=hour + timedelta(seconds=rng.randrange(3600)),
            duration_ms=int(rng.lognormvariate(7.5, 1.2)),
            tokens_in=rng.randrange(4000),
            tokens_out=rng.randrange(1000),
            cost=Decimal(rng.randrange(10**7)) / Decimal(10**9),
        )

    def _measure(self, name: str, query: str, repeat: int = 5) -> ExecutionLine:
        path = f"/api/analytics/execution?{query}"
        with self.container.gateways.recorder().capture() as captured:
            answer = self.http.get(path, **self.headers)
        assert answer.status_code == 200, answer.content
        # the request's own calls: the cost ledger's flush (UpdateItems) may fall in the block
        calls = [c for c in captured if c.operation != "UpdateItem"]
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            self.http.get(path, **self.headers)
            timings.append((time.perf_counter() - started) * 1000)
        made = ", ".join(
            f"{c.operation}({c.table}{'/' + c.index if c.index else ''})" for c in calls
        )
        reads = sum(c.read_units for c in calls)
        return ExecutionLine(name, len(calls), reads, made, statistics.median(timings))

    def lines(self) -> Iterator[ExecutionLine]:
        since = (datetime.now(UTC) - timedelta(days=DAYS - 1)).strftime("%Y-%m-%dT%H:00:00Z")
        yield self._measure("GET /api/analytics/execution 30 days by day", "granularity=day")
        yield self._measure(
            "GET /api/analytics/execution 30 days by hour", f"granularity=hour&from={since}"
        )
        yield self._measure(
            "GET .../execution 30 days, one agent", f"granularity=day&agent_id={self.agents[0]}"
        )
        yield self._measure(
            "GET .../execution 30 days, one user", f"granularity=day&user_id={self.users[0]}"
        )
