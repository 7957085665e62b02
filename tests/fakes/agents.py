"""In-memory fakes of the agents ports (agents, flows, project access): the unit tier drives
the agents services with these, and the contract suite holds them to the DynamoDB adapters."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from domains.agents.model import Agent, CustomNodeType, Flow, NodeConfig
from domains.agents.versions import AgentVersion, AgentVersionSummary
from domains.shared.audit import AuditEntry
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from domains.shared.tenancy import TenantContext
from tests.fakes.paging import newest_first
from tests.fakes.project_members import stamp
from tests.fakes.staged import FakeRepository, FakeUnitOfWork, bumped

STALE_AGENT = PreconditionFailed("the agent changed since it was read")
STALE_FLOW = PreconditionFailed("the flow changed since it was read")
STALE_CONFIG = PreconditionFailed("the node config changed since it was read")


@dataclass
class AgentsStore:
    agents: dict[tuple[str, str], Agent] = field(default_factory=dict)
    flows: dict[tuple[str, str], Flow] = field(default_factory=dict)
    node_types: dict[tuple[str, str], CustomNodeType] = field(default_factory=dict)
    node_configs: dict[tuple[str, str, str], NodeConfig] = field(default_factory=dict)
    versions: dict[tuple[str, str, int], AgentVersion] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)


class InMemoryAgents(FakeRepository):
    def get(self, org_id: str, agent_id: str) -> Agent | None:
        found: Agent | None = self._s.agents.get((org_id, agent_id))
        return found

    def _newest(self, org_id: str, page: PageRequest, scope: tuple[str, ...], **match: str):  # type: ignore[no-untyped-def]
        ours = [
            a
            for (o, _), a in self._s.agents.items()
            if o == org_id and all(getattr(a, k) == v for k, v in match.items())
        ]
        return newest_first(
            ours, page, scope=(org_id, *scope), key=lambda a: stamp(a.updated_at, a.id)
        )

    def list_project(self, org_id: str, project_id: str, page: PageRequest) -> Page[Agent]:
        return self._newest(org_id, page, ("project", project_id), project_id=project_id)  # type: ignore[no-any-return]

    def list_status(self, org_id: str, status: str, page: PageRequest) -> Page[Agent]:
        return self._newest(org_id, page, ("status", status), status=status)  # type: ignore[no-any-return]

    def list_owner(self, org_id: str, user_id: str, page: PageRequest) -> Page[Agent]:
        return self._newest(org_id, page, ("owner", user_id), created_by=user_id)  # type: ignore[no-any-return]

    def add(self, agent: Agent) -> None:
        key = (agent.org_id, agent.id)

        def apply(s: AgentsStore) -> None:
            if key in s.agents:
                raise Conflict("agent exists")
            s.agents[key] = replace(agent, version=1)

        self._stage(("agents", *key), apply)

    def save(self, agent: Agent) -> None:
        key = (agent.org_id, agent.id)

        def apply(s: AgentsStore) -> None:
            s.agents[key] = bumped(agent, s.agents.get(key), STALE_AGENT)

        self._stage(("agents", *key), apply)

    def remove(self, agent: Agent) -> None:
        key = (agent.org_id, agent.id)

        def apply(s: AgentsStore) -> None:
            bumped(agent, s.agents.get(key), STALE_AGENT)
            del s.agents[key]

        self._stage(("agents", *key), apply)


class InMemoryFlows(FakeRepository):
    """Flows are copied in and out, as the store's JSON text is: no aliasing of lists."""

    def get(self, org_id: str, flow_id: str) -> Flow | None:
        found = self._s.flows.get((org_id, flow_id))
        return copy.deepcopy(found)  # type: ignore[no-any-return]

    def add(self, flow: Flow) -> None:
        key = (flow.org_id, flow.id)

        def apply(s: AgentsStore) -> None:
            if key in s.flows:
                raise Conflict("flow exists")
            s.flows[key] = replace(copy.deepcopy(flow), version=1)

        self._stage(("flows", *key), apply)

    def save(self, flow: Flow) -> None:
        key = (flow.org_id, flow.id)

        def apply(s: AgentsStore) -> None:
            s.flows[key] = bumped(copy.deepcopy(flow), s.flows.get(key), STALE_FLOW)

        self._stage(("flows", *key), apply)

    def remove(self, flow: Flow) -> None:
        key = (flow.org_id, flow.id)

        def apply(s: AgentsStore) -> None:
            bumped(flow, s.flows.get(key), STALE_FLOW)
            del s.flows[key]

        self._stage(("flows", *key), apply)


class InMemoryNodeTypes(FakeRepository):
    def list_custom(self, org_id: str) -> list[CustomNodeType]:
        ours = [t for (o, _), t in self._s.node_types.items() if o == org_id]
        return sorted(ours, key=lambda t: t.type)

    def add(self, node_type: CustomNodeType) -> None:
        key = (node_type.org_id, node_type.type)

        def apply(s: AgentsStore) -> None:
            if key in s.node_types:
                raise Conflict(f"the organisation has a node type {node_type.type!r}")
            s.node_types[key] = replace(node_type, version=1)

        self._stage(("node_types", *key), apply)


class InMemoryNodeConfigs(FakeRepository):
    def get(self, org_id: str, flow_id: str, node_id: str) -> NodeConfig | None:
        return copy.deepcopy(self._s.node_configs.get((org_id, flow_id, node_id)))  # type: ignore[no-any-return]

    def list_flow(self, org_id: str, flow_id: str) -> list[NodeConfig]:
        ours = [c for k, c in self._s.node_configs.items() if k[:2] == (org_id, flow_id)]
        return copy.deepcopy(sorted(ours, key=lambda c: c.node_id))

    def replace_flow(self, org_id: str, flow_id: str, configs: list[NodeConfig]) -> None:
        """At once, outside the unit of work, as the store's (chunked) writes are."""
        wanted = {c.node_id: c for c in configs}
        for key in [k for k in self._s.node_configs if k[:2] == (org_id, flow_id)]:
            if key[2] not in wanted:
                del self._s.node_configs[key]
        for node_id, config in wanted.items():
            key = (org_id, flow_id, node_id)
            old = self._s.node_configs.get(key)
            if old is None or (old.type, old.config) != (config.type, config.config):
                version = old.version + 1 if old else 1
                self._s.node_configs[key] = replace(copy.deepcopy(config), version=version)

    def purge_flow(self, org_id: str, flow_id: str) -> None:
        """At once, outside the unit of work, as the store's purge is."""
        for key in [k for k in self._s.node_configs if k[:2] == (org_id, flow_id)]:
            del self._s.node_configs[key]

    def put(self, config: NodeConfig) -> None:
        key = (config.org_id, config.flow_id, config.node_id)

        def apply(s: AgentsStore) -> None:
            stored = s.node_configs.get(key)
            if config.version == 0 and stored is None:
                s.node_configs[key] = replace(copy.deepcopy(config), version=1)
            else:
                s.node_configs[key] = bumped(copy.deepcopy(config), stored, STALE_CONFIG)

        self._stage(("node_configs", *key), apply)


class InMemoryAgentVersions(FakeRepository):
    """Versions are copied in and out, as the store's JSON text is."""

    def get(self, org_id: str, agent_id: str, number: int) -> AgentVersion | None:
        return copy.deepcopy(self._s.versions.get((org_id, agent_id, number)))  # type: ignore[no-any-return]

    def list(self, org_id: str, agent_id: str, page: PageRequest) -> Page[AgentVersionSummary]:
        ours = [
            v.summary() for (o, a, _), v in self._s.versions.items() if (o, a) == (org_id, agent_id)
        ]
        return newest_first(
            ours, page, scope=(org_id, "versions", agent_id), key=lambda v: (f"{v.number:08d}",)
        )

    def add(self, version: AgentVersion) -> None:
        key = (version.org_id, version.agent_id, version.number)

        def apply(s: AgentsStore) -> None:
            if key in s.versions:
                raise Conflict(f"version {version.number} exists; versions never change")
            s.versions[key] = copy.deepcopy(version)

        self._stage(("versions", *key), apply)

    def purge_agent(self, org_id: str, agent_id: str) -> None:
        """At once, outside the unit of work, as the store's purge is."""
        for key in [k for k in self._s.versions if k[:2] == (org_id, agent_id)]:
            del self._s.versions[key]


class InMemoryAgentsUnitOfWork(FakeUnitOfWork):
    store: AgentsStore

    def __init__(self, store: AgentsStore) -> None:
        super().__init__(store)
        self.agents = InMemoryAgents(self)
        self.flows = InMemoryFlows(self)
        self.node_types = InMemoryNodeTypes(self)
        self.node_configs = InMemoryNodeConfigs(self)
        self.versions = InMemoryAgentVersions(self)

    def publish(self, event: DomainEvent) -> None:
        self.staged.append(lambda s: s.events.append(event))


class FakeProjectAccess:
    """Roles set by the test: `grant(org, project, user, role)`; projects of other
    organisations and unknown ones answer None, as the projects context does."""

    def __init__(self) -> None:
        self.roles: dict[tuple[str, str, str], str] = {}

    def grant(self, org_id: str, project_id: str, user_id: str, role: str) -> None:
        self.roles[(org_id, project_id, user_id)] = role

    def role(self, ctx: TenantContext, project_id: str) -> str | None:
        return self.roles.get((ctx.org_id, project_id, ctx.principal.user_id))
