"""Experiment run logs' workload: the DynamoDB calls and units of posting 100 log lines (one
call: BatchWriteItem in chunks of 25) and of tail reads (one Query from the cursor), from the
client wrapper's recorder."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client

from domains.lab.logs.services import SETTLE

LINES = 100


class LogsBench:
    def __init__(self, container: Any, http: Client, headers: dict[str, str], project: str):
        self.container = container
        self.http = http
        self.headers = headers
        exp = self._call("post", "/api/experiments", {"project_id": project, "name": "bench-logs"})
        run = self._call("post", f"/api/experiments/{exp['id']}/runs", {})
        self.base = f"/api/experiments/{exp['id']}/logs"
        self.run = run["id"]

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        if body is None:
            answer = getattr(self.http, method)(path, **self.headers)
        else:
            answer = getattr(self.http, method)(
                path, body, content_type="application/json", **self.headers
            )
        assert answer.status_code in (200, 201), answer.content
        return answer.json()

    def _lines(self, tag: str) -> dict[str, Any]:
        return {
            "entries": [
                {
                    "run_id": self.run,
                    "component": "trainer",
                    "severity": "warning" if i % 10 == 0 else "info",
                    "message": f"{tag} epoch {i}: loss 0.{i:03d}, lr 3e-4, batch 128",
                    "fields": {"epoch": i},
                }
                for i in range(LINES)
            ]
        }

    def _capture(self, work: Any) -> list[Any]:
        with self.container.gateways.recorder().capture() as calls:
            work()
        return [c for c in calls if c.table == "experiment-run-logs"]

    def operations(self) -> list[tuple[str, list[Any]]]:
        cursor = self._call("get", f"{self.base}?limit=1")["tail_cursor"]
        posted = self._capture(lambda: self._call("post", self.base, self._lines("a")))
        time.sleep(SETTLE.total_seconds() + 0.1)
        tailed: list[Any] = []
        read = self._capture(
            lambda: tailed.append(self._call("get", f"{self.base}?since={cursor}&limit=100"))
        )
        assert len(tailed[0]["items"]) == LINES, len(tailed[0]["items"])
        after = tailed[0]["tail_cursor"]
        idle = self._capture(lambda: self._call("get", f"{self.base}?since={after}"))
        page = self._capture(lambda: self._call("get", f"{self.base}?limit=25"))
        warn = self._capture(
            lambda: self._call("get", f"{self.base}?limit=25&min_severity=warning")
        )
        return [
            (f"post {LINES} log lines (one call)", posted),
            (f"tail read: {LINES} new lines", read),
            ("tail read: nothing new", idle),
            ("newest page of 25 lines", page),
            ("newest 25 warnings (filter)", warn),
        ]
