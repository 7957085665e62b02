"""Node types: the built-in catalogue plus the organisation's custom types; validating a
config against a type's JSON Schema (defaults applied first); one node's config in a flow."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from domains.agents.catalogue import BUILTIN_NODE_TYPES
from domains.agents.model import MAX_CUSTOM_NODE_TYPES, CustomNodeType, NodeConfig, invalid
from domains.agents.ports import AgentsUnitOfWork, ConfigValidator, ProjectAccess, UnitOfWorkFactory
from domains.agents.services.access import agent_with_role
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, NotFound, ValidationFailed
from domains.shared.events import record_change
from domains.shared.guards import check_version, found
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext

TYPE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
Types = dict[str, dict[str, Any]]


def node_types(uow: AgentsUnitOfWork, org_id: str) -> Types:
    """Built-in types, then the organisation's own (one Query)."""
    custom = {
        t.type: {**t.spec, "type": t.type, "builtin": False}
        for t in uow.node_types.list_custom(org_id)
    }
    return {**BUILTIN_NODE_TYPES, **custom}


def with_defaults(spec: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    return {**copy.deepcopy(spec.get("defaults", {})), **config}


class NodeTypeService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        projects: ProjectAccess,
        validator: ConfigValidator,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._projects = projects
        self._validator = validator

    def list_types(self, *, ctx: TenantContext) -> list[dict[str, Any]]:
        ctx.require(Permission.AGENT_READ)
        with self._uow() as uow:
            return list(node_types(uow, ctx.org_id).values())

    def add_custom(self, *, ctx: TenantContext, spec: Mapping[str, Any]) -> dict[str, Any]:
        """Organisation admins only (org:write); the schema must be a JSON Schema of an
        object, and the defaults valid against it."""
        ctx.require(Permission.AGENT_WRITE)
        ctx.require(Permission.ORG_WRITE)
        name = spec["type"]
        if not TYPE_RE.match(name):
            raise invalid("type", "2-40 of a-z 0-9 _, starting with a letter")
        if name in BUILTIN_NODE_TYPES:
            raise Conflict(f"{name!r} is a built-in node type")
        schema = dict(spec["config_schema"])
        self._require_valid(self._validator.schema_problems(schema), "config_schema")
        defaults = dict(spec.get("defaults") or {})
        partial = {**schema, "required": []}  # defaults need not fill required fields
        self._require_valid(self._validator.problems(partial, defaults), "defaults")
        now = self._clock.now()
        stored = {**spec, "config_schema": schema, "defaults": defaults}
        stored.pop("type")
        custom = CustomNodeType(ctx.org_id, name, stored, ctx.principal.user_id, now)
        with self._uow() as uow:
            if len(uow.node_types.list_custom(ctx.org_id)) >= MAX_CUSTOM_NODE_TYPES:
                raise Conflict(f"an organisation has at most {MAX_CUSTOM_NODE_TYPES} node types")
            uow.node_types.add(custom)
            record_change(
                uow,
                ctx,
                action="node_type.create",
                event="NodeTypeCreated",
                resource=("node_type", name),
                at=now,
            )
            uow.commit()
        return {**stored, "type": name, "builtin": False}

    @staticmethod
    def _require_valid(problems: list[dict[str, Any]], prefix: str) -> None:
        if problems:
            errors = [{**p, "loc": [prefix, *p["loc"]]} for p in problems]
            raise ValidationFailed(f"invalid {prefix}", errors=errors)

    def _spec(self, uow: AgentsUnitOfWork, org_id: str, type_: str) -> dict[str, Any]:
        spec = node_types(uow, org_id).get(type_)
        if spec is None:
            raise NotFound(f"no node type {type_!r}")
        return spec

    def validate(
        self, *, ctx: TenantContext, type_: str, config: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The config with the type's defaults applied, or every error per field (422)."""
        ctx.require(Permission.AGENT_READ)
        with self._uow() as uow:
            spec = self._spec(uow, ctx.org_id, type_)
        return self._checked(spec, config)

    def _checked(self, spec: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
        complete = with_defaults(spec, config)
        self._require_valid(self._validator.problems(spec["config_schema"], complete), "config")
        return complete

    def _node(
        self, ctx: TenantContext, uow: AgentsUnitOfWork, flow_id: str, node_id: str, role: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The flow's node and its type's spec; 404 unless the flow's agent grants `role`."""
        flow = found(uow.flows.get(ctx.org_id, flow_id), "flow")
        agent_with_role(self._projects, ctx, uow, flow.agent_id, role)
        node = found(next((n for n in flow.nodes if n["id"] == node_id), None), "node")
        return node, self._spec(uow, ctx.org_id, node["type"])

    def get_config(self, *, ctx: TenantContext, flow_id: str, node_id: str) -> NodeConfig:
        """The node's stored config with defaults applied (version 0: none stored yet)."""
        ctx.require(Permission.AGENT_READ)
        with self._uow() as uow:
            node, spec = self._node(ctx, uow, flow_id, node_id, "viewer")
            stored = uow.node_configs.get(ctx.org_id, flow_id, node_id)
        if stored is None:
            now, by = self._clock.now(), ctx.principal.user_id
            defaults = with_defaults(spec, {})
            return NodeConfig(ctx.org_id, flow_id, node_id, node["type"], defaults, now, by)
        return replace(stored, config=with_defaults(spec, stored.config))

    def put_config(
        self,
        *,
        ctx: TenantContext,
        flow_id: str,
        node_id: str,
        config: Mapping[str, Any],
        expected_version: int | None,
    ) -> NodeConfig:
        ctx.require(Permission.AGENT_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            node, spec = self._node(ctx, uow, flow_id, node_id, "editor")
            complete = self._checked(spec, config)
            stored = uow.node_configs.get(ctx.org_id, flow_id, node_id)
            version = stored.version if stored is not None else 0
            check_version(expected_version, version, "node config")
            saved = NodeConfig(
                ctx.org_id,
                flow_id,
                node_id,
                node["type"],
                complete,
                now,
                ctx.principal.user_id,
                version,
            )
            uow.node_configs.put(saved)
            record_change(
                uow,
                ctx,
                action="node_config.save",
                event="NodeConfigSaved",
                resource=("flow", flow_id),
                at=now,
                node_id=node_id,
                type=node["type"],
            )
            uow.commit()
        return replace(saved, version=version + 1)
