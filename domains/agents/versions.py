"""Agent versions: immutable numbered snapshots of an agent's flow (nodes, edges, canvas) and
its node configs, the port that stores them, and the diff of two (no I/O).

A version is written once and never changed: numbers count up from 1 per agent, taken from
the agent's `published_version` in the publishing transaction. `configs` maps each node's id
to {"type": ..., "config": {...}} with the type's defaults applied and every prompt pin
resolved to a concrete prompt version number (`prompt_version`), so what a version runs does
not move when a prompt alias does later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from domains.shared.pagination import Page, PageRequest
from domains.shared.tenancy import TenantContext

MAX_NOTE_CHARS = 500


@dataclass(frozen=True)
class AgentVersion:
    org_id: str
    agent_id: str
    number: int
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    canvas: dict[str, Any]
    configs: dict[str, dict[str, Any]]
    created_by: str
    created_at: datetime
    note: str = ""

    def summary(self) -> AgentVersionSummary:
        return AgentVersionSummary(
            self.org_id,
            self.agent_id,
            self.number,
            self.created_by,
            self.created_at,
            self.note,
            len(self.nodes),
            len(self.edges),
        )


@dataclass(frozen=True)
class AgentVersionSummary:
    """A version in a list: what it is, without its content (listing reads summaries only,
    so a page costs a few hundred bytes a version, not the whole flow)."""

    org_id: str
    agent_id: str
    number: int
    created_by: str
    created_at: datetime
    note: str = ""
    node_count: int = 0
    edge_count: int = 0


class AgentVersionRepository(Protocol):
    """`agent-versions`: one partition per agent; each version is a content item
    (V#<number:08d>) and a summary item (S#<number:08d>) written together."""

    def get(self, org_id: str, agent_id: str, number: int) -> AgentVersion | None: ...

    def list(self, org_id: str, agent_id: str, page: PageRequest) -> Page[AgentVersionSummary]:
        """An agent's versions, newest first, as summaries (read `get` for the content)."""

    def add(self, version: AgentVersion) -> None:
        """Stage a new version and its summary (Conflict if that number exists: versions
        never change)."""

    def purge_agent(self, org_id: str, agent_id: str) -> None:
        """Delete every version of a deleted agent, in transactions of their own after the
        agent's. Versions of a missing agent are never read, so a purge cut short leaves
        nothing visible; running it again finishes it."""


class PromptPins(Protocol):
    """The prompts library, as the agent builder sees it when publishing: which concrete
    version a prompt node's pin names."""

    def resolve(
        self, ctx: TenantContext, prompt_id: str, *, version: int | None, alias: str | None
    ) -> int | None:
        """The prompt version number `version` or `alias` names (neither: the latest); None
        when the prompt is missing, not visible to `ctx`, or has no such version or alias."""


# -- the diff of two versions ----------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    path: str  # dotted: "config.temperature", "position.x", "data.label"
    before: Any
    after: Any


@dataclass(frozen=True)
class ItemChange:
    id: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True)
class PartDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)


@dataclass(frozen=True)
class VersionDiff:
    agent_id: str
    base: int
    against: int
    nodes: PartDiff
    edges: PartDiff


_MISSING: Any = object()


def field_changes(before: Any, after: Any, prefix: str = "") -> list[FieldChange]:
    """Every leaf that differs, by dotted path (maps are walked; lists and scalars compare
    whole). A field present on one side only has None on the other."""
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        found: list[FieldChange] = []
        for name in sorted(set(before) | set(after), key=str):
            path = f"{prefix}.{name}" if prefix else str(name)
            found += field_changes(before.get(name, _MISSING), after.get(name, _MISSING), path)
        return found
    if type(before) is type(after) and before == after:  # True is not 1 here
        return []
    return [
        FieldChange(
            prefix, None if before is _MISSING else before, None if after is _MISSING else after
        )
    ]


def _part(
    old: Sequence[Mapping[str, Any]],
    new: Sequence[Mapping[str, Any]],
    extra_old: Mapping[str, Any] | None = None,
    extra_new: Mapping[str, Any] | None = None,
) -> PartDiff:
    """Items matched by id; a node's config (from `extra_*`) is compared under `config`."""
    before = {i["id"]: dict(i) for i in old}
    after = {i["id"]: dict(i) for i in new}
    changed = []
    for item_id in sorted(set(before) & set(after)):
        a, b = before[item_id], after[item_id]
        if extra_old is not None and extra_new is not None:
            a = {**a, "config": (extra_old.get(item_id) or {}).get("config", {})}
            b = {**b, "config": (extra_new.get(item_id) or {}).get("config", {})}
        changes = field_changes(a, b)
        if changes:
            changed.append(ItemChange(item_id, changes))
    return PartDiff(
        added=sorted(set(after) - set(before)),
        removed=sorted(set(before) - set(after)),
        changed=changed,
    )


def diff_versions(base: AgentVersion, against: AgentVersion) -> VersionDiff:
    """What changed from `base` to `against`: nodes and edges added, removed and changed
    (matched by id), with each changed field's dotted path, before and after; a node's
    config fields are under `config.`."""
    return VersionDiff(
        agent_id=base.agent_id,
        base=base.number,
        against=against.number,
        nodes=_part(base.nodes, against.nodes, base.configs, against.configs),
        edges=_part(base.edges, against.edges),
    )
