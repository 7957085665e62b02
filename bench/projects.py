"""The projects context's workloads: a workspace of 200 projects the bench user belongs to,
then the dashboard, lists and changes through the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.test import Client

from nexus.container import Container

PROJECTS = 200


class ProjectsBench:
    def __init__(self, container: Container, http: Client, auth: str, org_id: str) -> None:
        self.container = container
        self.http = http
        self.headers = {"HTTP_AUTHORIZATION": auth, "HTTP_X_ORGANIZATION_ID": org_id}
        self.org_id = org_id
        self.workspace_id = self._post("/api/workspaces", {"name": "Bench"})["id"]
        self.project_ids = [
            self._post(f"/api/workspaces/{self.workspace_id}/projects", {"name": f"P{n}"})["id"]
            for n in range(PROJECTS)
        ]
        for project_id in self.project_ids[:5]:
            self.http.put(f"/api/projects/{project_id}/pin", **self.headers)

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.http.post(path, body, content_type="application/json", **self.headers)
        assert response.status_code == 201, response.content
        return response.json()

    @property
    def _user_id(self) -> str:
        import jwt

        token = self.headers["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
        return str(jwt.decode(token, options={"verify_signature": False})["sub"])

    def dashboard(self) -> object:
        return self.http.get("/api/dashboard", **self.headers)

    def raw_dashboard(self) -> object:
        """The calls the dashboard needs, made with boto3 directly: the tenant's membership,
        four index Queries of ten, one BatchGetItem of what they name."""
        dynamo = self.container.gateways.dynamo()
        raw = self.container.gateways.dynamodb_boto()
        me = f"ORG#{self.org_id}#USER#{self._user_id}"
        raw.get_item(
            TableName=dynamo.name("organization-memberships"),
            Key={"pk": {"S": f"ORG#{self.org_id}"}, "sk": {"S": f"MEMBER#{self._user_id}"}},
        )
        found: dict[str, list[dict[str, Any]]] = {}
        for table in ("workspace-memberships", "project-memberships"):
            for index, partition in (("gsi1", me), ("gsi2", f"{me}#PINNED")):
                items = raw.query(
                    TableName=dynamo.name(table),
                    IndexName=index,
                    KeyConditionExpression="#p = :p",
                    ExpressionAttributeNames={"#p": f"{index}pk"},
                    ExpressionAttributeValues={":p": {"S": partition}},
                    ScanIndexForward=False,
                    Limit=11,
                )["Items"]
                found.setdefault(table, []).extend(items)
        keys: dict[str, Any] = {
            dynamo.name("projects"): {
                "Keys": [
                    {"pk": {"S": f"ORG#{self.org_id}"}, "sk": {"S": f"PROJECT#{i}"}}
                    for i in {m["resource_id"]["S"] for m in found["project-memberships"]}
                ]
            },
            dynamo.name("workspaces"): {
                "Keys": [
                    {"pk": {"S": f"ORG#{self.org_id}"}, "sk": {"S": s}}
                    for s in {"STATS", f"WS#{self.workspace_id}"}
                ]
            },
        }
        return raw.batch_get_item(RequestItems=keys)

    def round_trips(self) -> Iterator[tuple[str, Callable[[], object], Callable[[], object]]]:
        yield "GET /api/dashboard (200 projects)", self.dashboard, self.raw_dashboard

    def operations(self) -> Iterator[tuple[str, Callable[[], object]]]:
        project = f"/api/projects/{self.project_ids[0]}"
        ws = f"/api/workspaces/{self.workspace_id}"
        yield "GET /api/dashboard (200 projects)", self.dashboard
        yield "POST /api/workspaces", lambda: self._post("/api/workspaces", {"name": "More"})
        yield (
            "POST /api/workspaces/{id}/projects",
            lambda: self._post(f"{ws}/projects", {"name": "More", "tags": ["ml"]}),
        )
        yield (
            "GET /api/projects/{id} (auth, tenant, grant)",
            lambda: self.http.get(project, **self.headers),
        )
        yield (
            "PATCH /api/projects/{id}",
            lambda: self.http.patch(
                project, {"description": "changed"}, content_type="application/json", **self.headers
            ),
        )
        yield (
            "GET /api/workspaces/{id}/projects (25)",
            lambda: self.http.get(f"{ws}/projects", **self.headers),
        )
        yield "GET /api/projects (mine, 25)", lambda: self.http.get("/api/projects", **self.headers)
