"""The model registry's workloads through the API: registering a model with its version 1,
adding versions, reading a model with its versions, the registry list (models, and versions
by status), promoting to production (pointer, promoted and replaced versions in one
transaction), a deployment transition, recording and reading metrics; DynamoDB calls and
capacity units of each, and the ratio of reading a model through the API to the raw reads
it needs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.test import Client

from adapters.dynamodb.recorder import CallRecord

VERSIONS = 30
POINTS = 50
SIGNATURE = {"inputs": [{"name": f"f{i}", "type": "double"} for i in range(20)], "outputs": ["p"]}


class RegistryBench:
    def __init__(self, container: Any, http: Client, headers: dict[str, str], project: str):
        self.container = container
        self.http = http
        self.headers = headers
        self.project = project
        self.registered = 0
        self.model_id = self.register()["model"]["id"]
        for _ in range(VERSIONS - 1):
            self.add_version()
        self.base = f"/api/models/{self.model_id}"
        self.promoted = 0
        for hour in range(POINTS):
            at = f"2026-03-01T{hour % 24:02d}:{hour // 24:02d}:00Z"
            self._send(
                "POST", f"{self.base}/metrics", {"version": 1, "values": {"auc": 0.9}, "at": at}
            )

    def _send(self, method: str, path: str, body: Any = None, status: int = 201) -> Any:
        call = getattr(self.http, method.lower())
        if body is None:
            answer = call(path, **self.headers)
        else:
            answer = call(path, body, content_type="application/json", **self.headers)
        assert answer.status_code == status, answer.content
        return answer.json()

    def register(self) -> Any:
        self.registered += 1
        body = {
            "name": f"bench-model-{self.registered}",
            "task": "classification",
            "framework": "xgboost",
            "project_id": self.project,
            "tags": ["bench"],
            "version": {
                "artifact_uri": "s3://models/bench/1",
                "signature": SIGNATURE,
                "metrics": {"auc": 0.9},
            },
        }
        return self._send("POST", "/api/models/registry", body)

    def add_version(self) -> Any:
        body = {
            "artifact_uri": "s3://models/bench/n",
            "signature": SIGNATURE,
            "metrics": {"auc": 0.91},
        }
        return self._send("POST", f"/api/models/{self.model_id}/versions", body)

    def read(self) -> Any:
        return self._send("GET", f"{self.base}?limit=25", status=200)

    def promote(self) -> Any:
        self.promoted += 1
        path = f"{self.base}/versions/{self.promoted}/stage"
        return self._send("PUT", path, {"stage": "production"}, status=200)

    def deploy(self) -> Any:
        body = {"version": 2, "status": "deploying", "endpoint": {"instance_type": "ml.m5.large"}}
        return self._send("PUT", f"{self.base}/deploy", body, status=200)

    def raw_read(self) -> object:
        """The reads GET /api/models/{id} needs, made raw: the model, a page of versions,
        the aliases and the production pointer (the tenant and project checks aside)."""
        dynamo, raw = self.container.gateways.dynamo(), self.container.gateways.dynamodb_boto()
        org = self.headers["HTTP_X_ORGANIZATION_ID"]
        partition = {":p": {"S": f"ORG#{org}#MODEL#{self.model_id}"}}
        raw.get_item(
            TableName=dynamo.name("models"),
            Key={"pk": {"S": f"ORG#{org}"}, "sk": {"S": f"MODEL#{self.model_id}"}},
        )
        registry = dynamo.name("lab-model-registry")
        for prefix, forward in (("V#", False), ("ALIAS#", True)):
            raw.query(
                TableName=registry,
                KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                ExpressionAttributeValues={**partition, ":s": {"S": prefix}},
                ScanIndexForward=forward,
                Limit=26,
            )
        return raw.get_item(
            TableName=registry,
            Key={"pk": partition[":p"], "sk": {"S": "STAGE#production"}},
            ConsistentRead=True,
        )

    def round_trips(self) -> Iterator[tuple[str, Callable[[], object], Callable[[], object]]]:
        yield f"GET /api/models/{{id}} ({VERSIONS} versions, page 25)", self.read, self.raw_read

    def operations(self) -> Iterator[tuple[str, list[CallRecord]]]:
        recorder = self.container.gateways.recorder()
        steps: list[tuple[str, Callable[[], object]]] = [
            ("POST /api/models/registry (model + v1)", self.register),
            ("POST /api/models/{id}/versions", self.add_version),
            (f"GET /api/models/{{id}} (page of 25 of {VERSIONS})", self.read),
            (
                "GET /api/models/registry (a page)",
                lambda: self._send("GET", "/api/models/registry", status=200),
            ),
            (
                "GET /api/models/registry?status=pending",
                lambda: self._send("GET", "/api/models/registry?status=pending", status=200),
            ),
            ("PUT .../versions/1/stage (first production)", self.promote),
            ("PUT .../versions/2/stage (replaces v1)", self.promote),
            ("PUT /api/models/{id}/deploy", self.deploy),
            (
                "POST /api/models/{id}/metrics",
                lambda: self._send(
                    "POST", f"{self.base}/metrics", {"version": 2, "values": {"auc": 0.9}}
                ),
            ),
            (
                f"GET /api/models/{{id}}/metrics ({POINTS} points)",
                lambda: self._send("GET", f"{self.base}/metrics?version=1&limit=100", status=200),
            ),
        ]
        for name, step in steps:
            with recorder.capture() as calls:
                step()
            yield name, list(calls)
