"""The bench's workloads: one concrete repository over the real `projects` table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.test import Client

from adapters.dynamodb.bootstrap import create_missing
from adapters.dynamodb.catalog import tables_for
from adapters.dynamodb.recorder import CallRecord
from bench.agents import AgentsBench
from bench.agents_versions import AgentVersionsBench
from bench.projects import ProjectsBench
from domains.shared.pagination import PageRequest
from nexus.config import load_config
from nexus.container import Container, build_container, set_container
from tests.contract.project_records import ProjectRecords, project_key

ORG = "ORG#bench"


@dataclass
class Bench:
    container: Container
    repo: ProjectRecords
    http: Client
    token: str = ""
    org_id: str = ""
    api_key: str = ""
    projects: ProjectsBench | None = None
    agents: AgentsBench | None = None
    agent_versions: AgentVersionsBench | None = None

    @classmethod
    def build(cls) -> Bench:
        cfg = load_config()
        container = build_container(cfg)
        set_container(container)
        gateways = container.gateways
        create_missing(gateways.dynamo(), tables_for(cfg.features))
        gateways.object_store().ensure_bucket()
        repo = ProjectRecords(
            gateways.dynamo(), cursors=gateways.cursor_signer(), offloader=gateways.offloader()
        )
        for i in range(250):
            repo.create(_project(i))
        bench = cls(container, repo, Client())
        bench.sign_in()
        if "project_management" in cfg.features:
            bench.projects = ProjectsBench(container, bench.http, bench._auth, bench.org_id)
            if "agent_builder" in cfg.features:
                project = bench.projects.project_ids[0]
                bench.agents = AgentsBench(bench.http, bench.projects.headers, project)
                bench.agent_versions = AgentVersionsBench(
                    bench.http, bench.projects.headers, project
                )
        return bench

    def sign_in(self) -> None:
        """A user with an organisation, for the authenticated tenant-scoped read."""
        body = {"email": "bench@example.com", "password": "bench password 42"}
        self.http.post("/api/auth/register", body, content_type="application/json")
        login = self.http.post("/api/auth/login", body, content_type="application/json")
        self.token = login.json()["access_token"]
        created = self.http.post(
            "/api/organizations",
            {"name": "Bench"},
            content_type="application/json",
            HTTP_AUTHORIZATION=self._auth,
        )
        self.org_id = created.json()["id"]
        minted = self.http.post(
            f"/api/organizations/{self.org_id}/api-keys",
            {"name": "bench", "permissions": ["org:read"]},
            content_type="application/json",
            HTTP_AUTHORIZATION=self._auth,
        )
        self.api_key = minted.json()["key"]

    @property
    def _auth(self) -> str:
        return f"Bearer {self.token}"

    def org_read(self) -> object:
        return self.http.get(f"/api/organizations/{self.org_id}", HTTP_AUTHORIZATION=self._auth)

    def org_read_by_key(self) -> object:
        return self.http.get(f"/api/organizations/{self.org_id}", HTTP_X_API_KEY=self.api_key)

    def org_create(self) -> object:
        return self.http.post(
            "/api/organizations",
            {"name": "Another"},
            content_type="application/json",
            HTTP_AUTHORIZATION=self._auth,
        )

    def raw_org_read(self) -> object:
        dynamo = self.container.gateways.dynamo()
        user_id = self._user_id
        self.raw.get_item(
            TableName=dynamo.name("organization-memberships"),
            Key={"pk": {"S": f"ORG#{self.org_id}"}, "sk": {"S": f"MEMBER#{user_id}"}},
        )
        return self.raw.get_item(
            TableName=dynamo.name("organization-data"),
            Key={"pk": {"S": f"ORG#{self.org_id}"}, "sk": {"S": "PROFILE"}},
        )

    @property
    def _user_id(self) -> str:
        import jwt

        return str(jwt.decode(self.token, options={"verify_signature": False})["sub"])

    @property
    def raw(self) -> Any:
        return self.container.gateways.dynamodb_boto()

    def round_trips(self) -> Iterator[tuple[str, Callable[[], object], Callable[[], object]]]:
        dynamo = self.container.gateways.dynamo()
        key = project_key(ORG, "p0000")
        yield (
            "GET /api/health (ListTables)",
            lambda: self.http.get("/api/health"),
            lambda: self.raw.list_tables(),
        )
        yield (
            "GET /api/organizations/{id} (auth + tenant)",
            self.org_read,
            self.raw_org_read,
        )
        yield (
            "repository get of one item (GetItem)",
            lambda: self.repo.get(key),
            lambda: self.raw.get_item(
                TableName=dynamo.name("projects"),
                Key={"pk": {"S": key["pk"]}, "sk": {"S": key["sk"]}},
                ConsistentRead=True,
            ),
        )
        if self.projects is not None:
            yield from self.projects.round_trips()

    def operations(self) -> Iterator[tuple[str, list[CallRecord]]]:
        recorder = self.container.gateways.recorder()
        repo = self.repo
        key = project_key(ORG, "p0001")
        steps: list[tuple[str, Callable[[], object]]] = [
            ("GET /api/health", lambda: self.http.get("/api/health")),
            ("GET /api/organizations/{id} (auth + tenant)", self.org_read),
            ("GET /api/organizations/{id} (API key + tenant)", self.org_read_by_key),
            ("POST /api/organizations (org+member+audit)", self.org_create),
            ("get one 1 KB item", lambda: repo.get(key)),
            ("put a new 1 KB item (2 GSIs)", lambda: repo.create(_project(9999))),
            ("get, then versioned update of one attribute", lambda: _bump_version(repo, key)),
            (
                "query one page of 25 (gsi1)",
                lambda: repo.list_workspace("WS#bench", PageRequest(25)),
            ),
            (
                "batch get of 100 keys",
                lambda: repo.get_many([project_key(ORG, f"p{i:04d}") for i in range(100)]),
            ),
            (
                "put with a 1 MB attribute (offloaded to S3)",
                lambda: repo.create({**_project(8888), "blob": "x" * 1_000_000}),
            ),
        ]
        if self.projects is not None:
            steps += list(self.projects.operations())
        if self.agents is not None:
            steps += list(self.agents.operations())
        if self.agent_versions is not None:
            steps += list(self.agent_versions.operations())
        for name, step in steps:
            with recorder.capture() as calls:
                step()
            yield name, list(calls)


def _project(i: int) -> dict[str, Any]:
    return {
        "pk": ORG,
        "sk": f"PROJECT#p{i:04d}",
        "gsi1pk": "WS#bench",
        "gsi1sk": f"2026-11-23T00:00:{i % 60:02d}Z#p{i:04d}",
        "gsi2pk": "WS#bench#STATUS#active",
        "gsi2sk": f"2026-11-23T00:00:{i % 60:02d}Z#p{i:04d}",
        "name": f"Project {i}",
        "description": "d" * 800,
        "status": "active",
    }


def _bump_version(repo: ProjectRecords, key: dict[str, str]) -> None:
    current = repo.get(key)
    assert current is not None
    repo.change(key, {"status": "active"}, current["version"])
