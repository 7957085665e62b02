"""Experiment tracking's workload: metric points logged through the API in batches of 1,000
and one at a time, into packed buckets; points per second and write units per 1,000 points
(from the client wrapper's recorder), and one history read of the whole series."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.test import Client

BATCH = 1000


@dataclass(frozen=True)
class TrackingLine:
    name: str
    points: int
    seconds: float
    write_units: float  # on metrics-timeseries
    all_write_units: float  # every table (the run's latest values too)
    read_units: float

    @property
    def per_second(self) -> float:
        return self.points / self.seconds

    @property
    def writes_per_thousand(self) -> float:
        return self.write_units * 1000 / self.points

    @property
    def all_writes_per_thousand(self) -> float:
        return self.all_write_units * 1000 / self.points


class TrackingBench:
    def __init__(self, container: Any, http: Client, headers: dict[str, str], project: str):
        self.container = container
        self.http = http
        self.headers = headers
        exp = self._post("/api/experiments", {"project_id": project, "name": "bench"})
        run = self._post(f"/api/experiments/{exp['id']}/runs", {})
        self.base = f"/api/experiments/{exp['id']}/runs/{run['id']}"

    def _post(self, path: str, body: Any) -> Any:
        answer = self.http.post(path, body, content_type="application/json", **self.headers)
        assert answer.status_code == 201, answer.content
        return answer.json()

    def _measure(self, name: str, points: int, work: Any) -> TrackingLine:
        with self.container.gateways.recorder().capture() as calls:
            started = time.perf_counter()
            work()
            seconds = time.perf_counter() - started
        series = [c for c in calls if c.table == "metrics-timeseries"]
        return TrackingLine(
            name,
            points,
            seconds,
            sum(c.write_units for c in series),
            sum(c.write_units for c in calls),
            sum(c.read_units for c in series),
        )

    def _log(self, key: str, start: int, count: int, per_call: int) -> None:
        for first in range(start, start + count, per_call):
            batch = [
                {"key": key, "value": 1 / (s + 1), "step": s, "timestamp": 1_700_000_000_000 + s}
                for s in range(first, min(first + per_call, start + count))
            ]
            self._post(f"{self.base}/metrics", {"metrics": batch})

    def lines(self, points: int, single: int) -> Iterator[TrackingLine]:
        yield self._measure(
            f"log {points:,} points, {BATCH:,} per call",
            points,
            lambda: self._log("loss", 0, points, BATCH),
        )
        yield self._measure(
            f"log {single:,} points, 1 per call", single, lambda: self._log("lr", 0, single, 1)
        )
        path = f"{self.base}/metrics/loss?max_points=10000"
        yield self._measure(
            f"read a {points:,}-point history",
            points,
            lambda: self.http.get(path, **self.headers),
        )
