"""Agent versions: publish the current flow and its node configs as the next numbered,
immutable version; list and read them; restore one as the draft; diff two.

Publishing checks the flow as saving does, and every node's config against its type's schema
(defaults applied), and resolves each prompt node's pin on the prompts library to a concrete
prompt version: every problem is reported at once (422), by node id. The number comes from
the agent's `published_version`, moved in the same transaction as the version is written
(the agent's own version guards it), so two publishers never take one number: the one that
loses the race reads the agent again and takes the next.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from domains.agents.flow_rules import check_flow
from domains.agents.model import Flow, NodeConfig, invalid
from domains.agents.ports import ConfigValidator, ProjectAccess, UnitOfWorkFactory
from domains.agents.services.access import agent_with_role
from domains.agents.services.node_types import Types, node_types, with_defaults
from domains.agents.versions import (
    MAX_NOTE_CHARS,
    AgentVersion,
    AgentVersionSummary,
    PromptPins,
    VersionDiff,
    diff_versions,
)
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, PreconditionFailed, ValidationFailed
from domains.shared.events import record_change
from domains.shared.guards import check_version, found
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext

PUBLISH_ATTEMPTS = 5  # a publish that loses a race reads the agent again this many times
PROMPT_NODE = "prompt"
Problem = dict[str, Any]
Pin = tuple[str, int | None, str | None]


def _problem(node_id: str, field_name: str, msg: str) -> Problem:
    return {"loc": ["nodes", node_id, "config", field_name], "msg": msg}


class AgentVersionService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        projects: ProjectAccess,
        validator: ConfigValidator,
        pins: PromptPins,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._projects = projects
        self._validator = validator
        self._pins = pins

    # -- publishing ----------------------------------------------------------------------------

    def publish(self, *, ctx: TenantContext, agent_id: str, note: str = "") -> AgentVersion:
        """Needs editor on the agent's project; 422 with every problem of the flow and its
        configs; 409 when the agent is archived."""
        ctx.require(Permission.AGENT_WRITE)
        text = note.strip()
        if len(text) > MAX_NOTE_CHARS:
            raise invalid("note", f"at most {MAX_NOTE_CHARS} characters")
        resolved: dict[Pin, int | None] = {}  # pins resolved once per publish, not per attempt
        for _ in range(PUBLISH_ATTEMPTS):
            now = self._clock.now()
            with self._uow() as uow:
                agent, _ = agent_with_role(self._projects, ctx, uow, agent_id, "editor")
                if agent.status == "archived":
                    raise Conflict("the agent is archived")
                flow = found(uow.flows.get(ctx.org_id, agent.flow_id), "flow")
                types = node_types(uow, ctx.org_id)
                stored = {c.node_id: c for c in uow.node_configs.list_flow(ctx.org_id, flow.id)}
                problems = check_flow(flow.nodes, flow.edges, types)
                configs = self._configs(ctx, flow, types, stored, problems, resolved)
                if problems:
                    msg = f"the flow has {len(problems)} problem(s)"
                    raise ValidationFailed(msg, errors=problems)
                number = agent.published_version + 1
                version = AgentVersion(
                    ctx.org_id,
                    agent.id,
                    number,
                    flow.nodes,
                    flow.edges,
                    flow.canvas,
                    configs,
                    ctx.principal.user_id,
                    now,
                    text,
                )
                uow.versions.add(version)
                uow.agents.save(replace(agent, published_version=number))
                record_change(
                    uow,
                    ctx,
                    action="agent_version.publish",
                    event="AgentVersionPublished",
                    resource=("agent", agent.id),
                    at=now,
                    project_id=agent.project_id,
                    number=number,
                    nodes=len(flow.nodes),
                    edges=len(flow.edges),
                )
                try:
                    uow.commit()
                except (PreconditionFailed, Conflict):
                    continue  # another publish (or edit) moved the agent: read it again
                return version
        raise Conflict("the agent kept changing while publishing; try again")

    def _configs(
        self,
        ctx: TenantContext,
        flow: Flow,
        types: Types,
        stored: dict[str, NodeConfig],
        problems: list[Problem],
        resolved: dict[Pin, int | None],
    ) -> dict[str, dict[str, Any]]:
        """Each node's config with defaults applied and pins resolved; problems appended."""
        configs: dict[str, dict[str, Any]] = {}
        for node in flow.nodes:
            spec = types.get(node["type"])
            if spec is None or node["id"] in configs:
                continue  # reported by the flow's check
            saved = stored.get(node["id"])
            config = with_defaults(spec, saved.config if saved is not None else {})
            for p in self._validator.problems(spec["config_schema"], config):
                field_name = ".".join(str(part) for part in p["loc"]) or "config"
                problems.append(_problem(node["id"], field_name, p["msg"]))
            if node["type"] == PROMPT_NODE:
                self._pin(ctx, node["id"], config, problems, resolved)
            configs[node["id"]] = {"type": node["type"], "config": config}
        return configs

    def _pin(
        self,
        ctx: TenantContext,
        node_id: str,
        config: dict[str, Any],
        problems: list[Problem],
        resolved: dict[Pin, int | None],
    ) -> None:
        """Resolve the node's prompt pin in place: `prompt_version` becomes the concrete
        number its alias (or number, or the latest when unpinned) names at publish."""
        prompt_id, number, alias = (
            config.get("prompt_id"),
            config.get("prompt_version"),
            config.get("prompt_alias"),
        )
        if not prompt_id:
            if number is not None or alias is not None:
                problems.append(_problem(node_id, "prompt_id", "a pin needs a prompt_id"))
            return
        if not isinstance(prompt_id, str) or not isinstance(number, int | None):
            return  # the schema's problems say so
        pin: Pin = (prompt_id, None if alias else number, alias or None)
        if pin not in resolved:
            resolved[pin] = self._pins.resolve(ctx, prompt_id, version=pin[1], alias=pin[2])
        concrete = resolved[pin]
        if concrete is not None:
            config["prompt_version"] = concrete
            return
        if alias:
            problems.append(_problem(node_id, "prompt_alias", f"no prompt alias {alias!r}"))
        elif number is not None:
            problems.append(_problem(node_id, "prompt_version", f"no prompt version {number}"))
        else:
            problems.append(_problem(node_id, "prompt_id", f"no prompt {prompt_id!r}"))

    # -- reading -------------------------------------------------------------------------------

    def list(
        self, *, ctx: TenantContext, agent_id: str, page: PageRequest
    ) -> Page[AgentVersionSummary]:
        """Summaries, newest first; viewers may read."""
        ctx.require(Permission.AGENT_READ)
        with self._uow() as uow:
            agent, _ = agent_with_role(self._projects, ctx, uow, agent_id, "viewer")
            return uow.versions.list(ctx.org_id, agent.id, page)

    def get(self, *, ctx: TenantContext, agent_id: str, number: int) -> AgentVersion:
        ctx.require(Permission.AGENT_READ)
        with self._uow() as uow:
            agent, _ = agent_with_role(self._projects, ctx, uow, agent_id, "viewer")
            return self._version(uow, agent.org_id, agent.id, number)

    @staticmethod
    def _version(uow: Any, org_id: str, agent_id: str, number: int) -> AgentVersion:
        wanted = uow.versions.get(org_id, agent_id, number) if number >= 1 else None
        return found(wanted, "agent version")

    def diff(
        self, *, ctx: TenantContext, agent_id: str, number: int, against: int | None = None
    ) -> VersionDiff:
        """What changed from version `number` to version `against` (None: the newest)."""
        ctx.require(Permission.AGENT_READ)
        with self._uow() as uow:
            agent, _ = agent_with_role(self._projects, ctx, uow, agent_id, "viewer")
            base = self._version(uow, agent.org_id, agent.id, number)
            newest = agent.published_version if against is None else against
            other = self._version(uow, agent.org_id, agent.id, newest)
        return diff_versions(base, other)

    # -- restoring -----------------------------------------------------------------------------

    def restore(
        self, *, ctx: TenantContext, agent_id: str, number: int, expected_version: int | None
    ) -> Flow:
        """The version's flow and node configs become the draft. `expected_version` is the
        flow's (If-Match of GET /agents/{id}/flow): 412 when the draft moved since. The
        flow is written with the audit entry and event; the node configs after it, in
        transactions of their own (a flow has more nodes than one transaction holds)."""
        ctx.require(Permission.AGENT_WRITE)
        now, user = self._clock.now(), ctx.principal.user_id
        with self._uow() as uow:
            agent, _ = agent_with_role(self._projects, ctx, uow, agent_id, "editor")
            version = self._version(uow, agent.org_id, agent.id, number)
            flow = found(uow.flows.get(ctx.org_id, agent.flow_id), "flow")
            check_version(expected_version, flow.version, "flow")
            restored = replace(
                flow,
                nodes=version.nodes,
                edges=version.edges,
                canvas=version.canvas,
                updated_at=now,
                updated_by=user,
            )
            uow.flows.save(restored)
            record_change(
                uow,
                ctx,
                action="agent_version.restore",
                event="AgentVersionRestored",
                resource=("agent", agent.id),
                at=now,
                project_id=agent.project_id,
                number=number,
                flow_id=flow.id,
            )
            uow.commit()
            # A node with no stored config reads as its type's defaults: when those are the
            # version's config already, nothing needs writing (most nodes, usually).
            types = node_types(uow, ctx.org_id)
            stored = {c.node_id for c in uow.node_configs.list_flow(ctx.org_id, flow.id)}
            configs = [
                NodeConfig(ctx.org_id, flow.id, node_id, c["type"], c["config"], now, user)
                for node_id, c in version.configs.items()
                if node_id in stored or c["config"] != with_defaults(types.get(c["type"], {}), {})
            ]
            uow.node_configs.replace_flow(ctx.org_id, flow.id, configs)
        return replace(restored, version=flow.version + 1)
