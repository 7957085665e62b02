"""MLflow compatibility's workload: the same metric points (10,000 by default, in batches of
1,000, then the whole history read back) logged by the unchanged MLflow client against
/mlflow and through our own REST API (/api/experiments/.../metrics), both over HTTP to the
app served on a loopback port; and the DynamoDB calls of one 1,000-point batch each way."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests

from tests.integration.mlflow_rig import Tenant, new_tenant

BATCH = 1000


@dataclass(frozen=True)
class MlflowLine:
    name: str
    points: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.points / self.seconds


class MlflowBench:
    """`base_url` serves the app (tests.integration.mlflow_rig.serving)."""

    def __init__(self, container: Any, base_url: str, points: int) -> None:
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
        self.container = container
        self.base_url = base_url
        self.points = points
        self.tenant: Tenant = new_tenant(f"bench-{uuid.uuid4().hex[:6]}")
        os.environ["MLFLOW_TRACKING_TOKEN"] = self.tenant.api_key
        from mlflow import MlflowClient

        uri = f"{base_url}/mlflow/projects/{self.tenant.project_id}"
        self.client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {self.tenant.access}",
                "X-Organization-Id": self.tenant.org_id,
            }
        )
        self._names = iter(range(1_000_000))

    def _ours(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.session.request(method, f"{self.base_url}{path}", json=body)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()

    # --- one workload each way ------------------------------------------------------------

    def _mlflow_run(self) -> str:
        experiment = self.client.create_experiment(f"mlflow-bench-{next(self._names)}")
        return str(self.client.create_run(experiment).info.run_id)

    def _mlflow_log(self, run_id: str, first: int, count: int) -> None:
        from mlflow.entities import Metric

        for start in range(first, first + count, BATCH):
            batch = [
                Metric("loss", 1 / (s + 1), 1_700_000_000_000 + s, s)
                for s in range(start, min(start + BATCH, first + count))
            ]
            self.client.log_batch(run_id, metrics=batch)

    def _mlflow_history(self, run_id: str) -> int:
        return len(self.client.get_metric_history(run_id, "loss"))

    def _our_run(self) -> str:
        body = {"project_id": self.tenant.project_id, "name": f"api-bench-{next(self._names)}"}
        experiment = self._ours("POST", "/api/experiments", body)["id"]
        run = self._ours("POST", f"/api/experiments/{experiment}/runs", {})["id"]
        return f"/api/experiments/{experiment}/runs/{run}"

    def _our_log(self, base: str, first: int, count: int) -> None:
        for start in range(first, first + count, BATCH):
            batch = [
                {"key": "loss", "value": 1 / (s + 1), "step": s, "timestamp": 1_700_000_000_000 + s}
                for s in range(start, min(start + BATCH, first + count))
            ]
            self._ours("POST", f"{base}/metrics", {"metrics": batch})

    def _our_history(self, base: str) -> int:
        return len(self._ours("GET", f"{base}/metrics/loss?max_points=10000")["points"])

    @staticmethod
    def _timed(name: str, points: int, work: Callable[[], object]) -> MlflowLine:
        started = time.perf_counter()
        work()
        return MlflowLine(name, points, time.perf_counter() - started)

    def lines(self) -> Iterator[MlflowLine]:
        """Log then read, each way; the runs are made before the clock starts."""
        n = self.points
        mlflow_run, our_run = self._mlflow_run(), self._our_run()
        yield self._timed(
            f"MLflow client: log_batch {n:,} points",
            n,
            lambda: self._mlflow_log(mlflow_run, 0, n),
        )
        yield self._timed(
            f"our REST API: POST .../metrics {n:,} points",
            n,
            lambda: self._our_log(our_run, 0, n),
        )
        got: dict[str, int] = {}
        yield self._timed(
            f"MLflow client: get-history, {n:,} points",
            n,
            lambda: got.setdefault("mlflow", self._mlflow_history(mlflow_run)),
        )
        yield self._timed(
            f"our REST API: GET .../metrics/loss, {n:,}",
            n,
            lambda: got.setdefault("ours", self._our_history(our_run)),
        )
        assert got == {"mlflow": min(n, 10_000), "ours": min(n, 10_000)}, got

    def operations(self) -> Iterator[tuple[str, Callable[[], object]]]:
        """One 1,000-point batch each way into a run holding none yet, then one history."""
        mlflow_run, our_run = self._mlflow_run(), self._our_run()
        yield "MLflow runs/log-batch (1,000 points)", lambda: self._mlflow_log(mlflow_run, 0, BATCH)
        yield (
            "POST .../runs/{runId}/metrics (1,000 points)",
            lambda: self._our_log(our_run, 0, BATCH),
        )
        yield "MLflow metrics/get-history (1,000)", lambda: self._mlflow_history(mlflow_run)
        yield "GET .../metrics/{key} (1,000)", lambda: self._our_history(our_run)

    def recorded(self) -> Iterator[tuple[str, list[Any]]]:
        for name, step in self.operations():
            with self.container.gateways.recorder().capture() as calls:
                step()
            yield name, list(calls)
