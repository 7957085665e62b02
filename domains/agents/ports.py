"""What the agents context needs from the world (implemented in adapters/dynamodb/agents)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from domains.agents.model import Agent, CustomNodeType, Flow, NodeConfig
from domains.agents.versions import AgentVersionRepository
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from domains.shared.tenancy import TenantContext
from domains.shared.uow import UnitOfWork


class AgentRepository(Protocol):
    def get(self, org_id: str, agent_id: str) -> Agent | None: ...

    def list_project(self, org_id: str, project_id: str, page: PageRequest) -> Page[Agent]:
        """A project's agents, most recently updated first."""

    def list_status(self, org_id: str, status: str, page: PageRequest) -> Page[Agent]:
        """The organisation's agents with `status`, most recently updated first."""

    def list_owner(self, org_id: str, user_id: str, page: PageRequest) -> Page[Agent]:
        """The agents `user_id` created, most recently updated first."""

    def add(self, agent: Agent) -> None: ...

    def save(self, agent: Agent) -> None:
        """Stage the changed agent (PreconditionFailed if stale)."""

    def remove(self, agent: Agent) -> None:
        """Stage the deletion (PreconditionFailed if stale)."""


class FlowRepository(Protocol):
    """Flows are read and written whole; a large flow's parts live in S3 behind the item
    (DynamoDB's 400 KB item limit), which the adapter hides."""

    def get(self, org_id: str, flow_id: str) -> Flow | None: ...

    def add(self, flow: Flow) -> None: ...

    def save(self, flow: Flow) -> None:
        """Stage the whole flow over `flow.version` (PreconditionFailed if stale)."""

    def remove(self, flow: Flow) -> None: ...


class NodeTypeRepository(Protocol):
    """An organisation's custom node types (the built-ins are code: domains.agents.catalogue)."""

    def list_custom(self, org_id: str) -> list[CustomNodeType]:
        """Every custom type of the organisation (one Query; organisations have a few)."""

    def add(self, node_type: CustomNodeType) -> None:
        """Stage a new type (Conflict if the organisation has one of that name)."""


class NodeConfigRepository(Protocol):
    def get(self, org_id: str, flow_id: str, node_id: str) -> NodeConfig | None: ...

    def put(self, config: NodeConfig) -> None:
        """Stage the config over `config.version` (0: new; PreconditionFailed if stale)."""

    def list_flow(self, org_id: str, flow_id: str) -> list[NodeConfig]:
        """Every stored config of a flow, by node id (consistent reads of its partition)."""

    def replace_flow(self, org_id: str, flow_id: str, configs: list[NodeConfig]) -> None:
        """Make the flow's stored configs exactly `configs` (each at its stored version plus
        one; configs of other nodes deleted), in transactions of their own after the flow's
        (a flow of hundreds of nodes passes one transaction's 100 writes). Rerunnable."""

    def purge_flow(self, org_id: str, flow_id: str) -> None:
        """Delete every node config of a deleted flow, in transactions of their own after the
        flow's. Configs of a missing flow are never read, so a purge cut short leaves nothing
        visible; running it again finishes it."""


class ConfigValidator(Protocol):
    """JSON Schema validation (an adapter concern: the domain needs no JSON Schema library)."""

    def schema_problems(self, schema: dict[str, Any]) -> list[dict[str, Any]]:
        """What makes `schema` an invalid JSON Schema; empty when it is valid."""

    def problems(self, schema: dict[str, Any], value: Any) -> list[dict[str, Any]]:
        """Every error of `value` against `schema`, each {loc: [field, ...], msg}."""


class ProjectAccess(Protocol):
    """The projects context, as the agents context sees it: my role on a project."""

    def role(self, ctx: TenantContext, project_id: str) -> str | None:
        """ "viewer", "editor" or "admin"; None when the project is missing, another
        organisation's, or not visible to the caller."""


class AgentsStaffBrowser(Protocol):
    """Browsing for staff (the admin), never serving an API request: every organisation's
    agents or custom node types are paginated Scans; an organisation's agents of every
    status a Query of its partition, a project's of one status its index with a filter."""

    def agents(self, page: PageRequest, *, status: str | None = None) -> Page[Agent]: ...

    def org_agents(self, org_id: str, page: PageRequest) -> Page[Agent]: ...

    def project_agents(
        self, org_id: str, project_id: str, page: PageRequest, *, status: str | None = None
    ) -> Page[Agent]: ...

    def node_types(self, page: PageRequest) -> Page[CustomNodeType]: ...


class AgentsUnitOfWork(UnitOfWork, Protocol):
    agents: AgentRepository
    flows: FlowRepository
    node_types: NodeTypeRepository
    node_configs: NodeConfigRepository
    versions: AgentVersionRepository

    def publish(self, event: DomainEvent) -> None:
        """Stage the event in the outbox, in the same transaction as the change."""


UnitOfWorkFactory = Callable[[], AgentsUnitOfWork]
