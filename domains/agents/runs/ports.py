"""What the execution history needs from storage (implemented in adapters/dynamodb/agents)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domains.agents.model import Agent
from domains.agents.runs.model import AgentRun, RunReplay
from domains.shared.errors import Conflict
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from domains.shared.uow import UnitOfWork


class ReplayTaken(Conflict):
    """Another request logged a run under this Idempotency-Key meanwhile (the race the
    table's IDEM# item decides): read its run back instead."""


@dataclass(frozen=True)
class RunFilter:
    """An agent's runs: a status, an agent version, a user, and a range of started_at (each
    end inclusive, either open)."""

    status: str | None = None
    agent_version: int | None = None
    user_id: str | None = None
    started_from: datetime | None = None
    started_to: datetime | None = None


class RunRepository(Protocol):
    def get(self, org_id: str, agent_id: str, run_id: str) -> AgentRun | None:
        """One run (None when absent, another organisation's or past its expiry)."""

    def list(
        self, org_id: str, agent_id: str, *, page: PageRequest, where: RunFilter
    ) -> Page[AgentRun]:
        """An agent's runs, newest start first, without their payload (inputs, outputs and
        steps are None and empty: GET one run for them); expired runs are left out."""

    def get_replay(self, org_id: str, agent_id: str, actor: str, key: str) -> RunReplay | None:
        """The run an Idempotency-Key of `actor` made for this agent (a consistent read)."""

    def add(self, run: AgentRun, replay: RunReplay | None = None) -> None:
        """Stage the run, and its Idempotency-Key record in the same transaction
        (ReplayTaken if that key was used meanwhile)."""


class AgentLookup(Protocol):
    """The agents table as the history reads it: an agent, to find its project."""

    def get(self, org_id: str, agent_id: str) -> Agent | None: ...


class RunsUnitOfWork(UnitOfWork, Protocol):
    agents: AgentLookup
    runs: RunRepository

    def publish(self, event: DomainEvent) -> None: ...


UnitOfWorkFactory = Callable[[], RunsUnitOfWork]
