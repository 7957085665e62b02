"""What staff do to agents across organisations (the Django admin calls these): browse
agents, their flows' summaries and the custom node types; change, archive and delete agents.

Every use case requires a staff principal. Changes go through the API's own services in a
staff tenant context (admin of every project of the item's organisation), so they are
validated, version-checked, audited (`by_staff`) and published exactly as the API's are;
deleting an agent purges its flow and its node configs as the API's delete does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domains.agents.model import AGENT_STATUSES, Agent, CustomNodeType, Flow, invalid
from domains.agents.ports import AgentsStaffBrowser, UnitOfWorkFactory
from domains.agents.services.access import load_agent
from domains.agents.services.agents import AgentService
from domains.agents.versions import AgentVersion, AgentVersionSummary
from domains.shared.errors import Conflict, NotFound
from domains.shared.guards import found
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.staff import require_staff, staff_context
from domains.shared.tenancy import Principal, TenantContext

STAFF_PERMISSIONS = frozenset(
    {
        Permission.AGENT_READ,
        Permission.AGENT_WRITE,
        Permission.PROJECT_READ,  # the agent's project, read for the role on it
        Permission.WORKSPACE_ADMIN,  # admin of every project of the organisation
    }
)


def staff_tenant(principal: Principal, org_id: str, request_id: str = "") -> TenantContext:
    return staff_context(principal, org_id, permissions=STAFF_PERMISSIONS, request_id=request_id)


@dataclass(frozen=True)
class Outcome:
    """What a bulk action did: how many items changed, and why the others did not."""

    changed: int
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlowSummary:
    """An agent's flow as the admin shows it: counts, not content."""

    org_id: str
    agent_id: str
    agent_name: str
    agent_status: str
    flow_id: str
    nodes: int
    edges: int
    version: int
    updated_at: datetime | None
    updated_by: str


@dataclass(frozen=True)
class AgentVersionDetail:
    """A published version as the admin's detail page shows it: what it is and what its flow
    is made of (counts, node types, prompt pins), not the flow itself."""

    org_id: str
    agent_id: str
    agent_name: str
    number: int
    note: str
    created_by: str
    created_at: datetime
    node_count: int
    edge_count: int
    node_types: str  # `input: 1, llm_call: 2, output: 1`
    prompt_pins: str  # `<node id> -> <prompt id> v<n>`, by node id
    newest: bool  # the agent's published version

    @classmethod
    def of(cls, agent: Agent, version: AgentVersion) -> AgentVersionDetail:
        types = Counter(str(node.get("type", "?")) for node in version.nodes)
        pins = [
            f"{node_id} -> {config['prompt_id']} v{config['prompt_version']}"
            for node_id, spec in sorted(version.configs.items())
            if isinstance(config := spec.get("config"), dict)
            and config.get("prompt_id")
            and config.get("prompt_version") is not None
        ]
        return cls(
            version.org_id,
            version.agent_id,
            agent.name,
            version.number,
            version.note,
            version.created_by,
            version.created_at,
            len(version.nodes),
            len(version.edges),
            ", ".join(f"{t}: {n}" for t, n in sorted(types.items())),
            "; ".join(pins),
            version.number == agent.published_version,
        )


class StaffAgentService:
    def __init__(
        self, *, uow: UnitOfWorkFactory, browser: AgentsStaffBrowser, agents: AgentService
    ) -> None:
        self._uow = uow
        self._browser = browser
        self._agents = agents

    # -- agents --------------------------------------------------------------------------------

    def list_agents(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        project_id: str | None = None,
        status: str | None = None,
    ) -> Page[Agent]:
        """A project's agents (its index, filtered by status), an organisation's of a status
        (its status index) or of every status (a Query of its partition), else every
        organisation's (a Scan), each newest first but the last two."""
        require_staff(principal)
        if status and status not in AGENT_STATUSES:
            raise invalid("status", f"one of {list(AGENT_STATUSES)}")
        if project_id and not org_id:
            raise invalid("project", "choose the project's organisation as well")
        if not org_id:
            return self._browser.agents(page, status=status)
        ctx = staff_tenant(principal, org_id)
        if project_id:
            return self._browser.project_agents(ctx.org_id, project_id, page, status=status)
        if status:
            with self._uow() as uow:
                return uow.agents.list_status(ctx.org_id, status, page)
        return self._browser.org_agents(ctx.org_id, page)

    def get_agent(self, *, principal: Principal, org_id: str, agent_id: str) -> Agent:
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            return load_agent(ctx, uow, agent_id)

    def update_agent(
        self,
        *,
        principal: Principal,
        org_id: str,
        agent_id: str,
        expected_version: int | None,
        name: str,
        description: str,
        tags: Iterable[str],
        status: str,
        request_id: str = "",
    ) -> Agent:
        """The form's fields; `archived` stays as it is (the archive action archives)."""
        ctx = staff_tenant(principal, org_id, request_id)
        changed_status: str | None = status
        if status == "archived":
            if self.get_agent(principal=principal, org_id=org_id, agent_id=agent_id).status != (
                "archived"
            ):
                raise invalid("status", "archive an agent with the Archive action")
            changed_status = None
        return self._agents.update(
            ctx=ctx,
            agent_id=agent_id,
            expected_version=expected_version,
            name=name,
            description=description,
            tags=tags,
            status=changed_status,
        )

    def archive_agents(
        self, *, principal: Principal, keys: Iterable[tuple[str, str]], request_id: str = ""
    ) -> Outcome:
        """Archive each (organisation id, agent id), one transaction each; agents archived
        already, or gone, are skipped and said why."""
        require_staff(principal)
        changed, skipped = 0, []
        for org_id, agent_id in keys:
            try:
                self._agents.archive(
                    ctx=staff_tenant(principal, org_id, request_id), agent_id=agent_id
                )
            except (Conflict, NotFound) as e:
                skipped.append(f"{agent_id}: {e.detail}")
            else:
                changed += 1
        return Outcome(changed, tuple(skipped))

    def delete_agent(
        self,
        *,
        principal: Principal,
        org_id: str,
        agent_id: str,
        expected_version: int | None,
        request_id: str = "",
    ) -> None:
        """The agent, its flow, then its flow's node configs (the API's delete)."""
        self._agents.delete(
            ctx=staff_tenant(principal, org_id, request_id),
            agent_id=agent_id,
            expected_version=expected_version,
        )

    # -- flows (read only) ---------------------------------------------------------------------

    def list_flows(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        project_id: str | None = None,
        status: str | None = None,
    ) -> Page[FlowSummary]:
        """The flows of a page of agents (chosen as `list_agents` chooses them): one GetItem
        per agent of the page."""
        agents = self.list_agents(
            principal=principal, page=page, org_id=org_id, project_id=project_id, status=status
        )
        with self._uow() as uow:
            summaries = [
                self._summary(agent, uow.flows.get(agent.org_id, agent.flow_id))
                for agent in agents.items
            ]
        return Page(summaries, agents.next_cursor)

    def get_flow(self, *, principal: Principal, org_id: str, agent_id: str) -> FlowSummary:
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            agent = load_agent(ctx, uow, agent_id)
            return self._summary(agent, uow.flows.get(ctx.org_id, agent.flow_id))

    @staticmethod
    def _summary(agent: Agent, known: Flow | None) -> FlowSummary:
        return FlowSummary(
            agent.org_id,
            agent.id,
            agent.name,
            agent.status,
            agent.flow_id,
            len(known.nodes) if known else 0,
            len(known.edges) if known else 0,
            known.version if known else 0,
            known.updated_at if known else None,
            known.updated_by if known else "",
        )

    # -- published versions (read only: versions never change) --------------------------------

    def list_versions(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None,
        agent_id: str | None,
    ) -> Page[AgentVersionSummary]:
        """One agent's versions, newest first, as summaries (the agent's GetItem, then a Query
        of the summaries in its partition)."""
        require_staff(principal)
        if not (org_id and agent_id):
            raise invalid("agent", "choose an organisation and an agent")
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            agent = load_agent(ctx, uow, agent_id)
            return uow.versions.list(ctx.org_id, agent.id, page)

    def get_version(
        self, *, principal: Principal, org_id: str, agent_id: str, number: int
    ) -> AgentVersionDetail:
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            agent = load_agent(ctx, uow, agent_id)
            version = uow.versions.get(ctx.org_id, agent.id, number) if number >= 1 else None
            return AgentVersionDetail.of(agent, found(version, "agent version"))

    # -- custom node types (read only) ---------------------------------------------------------

    def list_node_types(
        self, *, principal: Principal, page: PageRequest, org_id: str | None = None
    ) -> Page[CustomNodeType]:
        """An organisation's (one Query: it has at most a hundred), else every
        organisation's (a Scan)."""
        require_staff(principal)
        if not org_id:
            return self._browser.node_types(page)
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            return Page(uow.node_types.list_custom(ctx.org_id))

    def get_node_type(self, *, principal: Principal, org_id: str, type_: str) -> CustomNodeType:
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            types = uow.node_types.list_custom(ctx.org_id)
        return found(next((t for t in types if t.type == type_), None), "node type")
