"""In-memory fakes of the execution history ports: the unit tier drives the run services
with these, and the contract suite holds them to the DynamoDB repository.

Runs sort as the table does: by their start (ISO to the millisecond), then the id; runs past
their expiry (by the store's clock) are left out of every read, as the repository does.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from domains.agents.model import Agent
from domains.agents.runs.model import AgentRun, RunReplay
from domains.agents.runs.ports import ReplayTaken, RunFilter
from domains.shared.audit import AuditEntry
from domains.shared.clock import Clock, isoformat
from domains.shared.errors import Conflict
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import newest_first
from tests.fakes.staged import FakeRepository, FakeUnitOfWork


@dataclass
class RunsStore:
    agents: dict[tuple[str, str], Agent] = field(default_factory=dict)
    runs: dict[tuple[str, str, str], AgentRun] = field(default_factory=dict)
    replays: dict[tuple[str, str, str, str], RunReplay] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)
    clock: Clock | None = None


class InMemoryAgentLookup(FakeRepository):
    def get(self, org_id: str, agent_id: str) -> Agent | None:
        found: Agent | None = self._s.agents.get((org_id, agent_id))
        return found


def _matches(run: AgentRun, where: RunFilter) -> bool:
    return (
        (where.status is None or run.status == where.status)
        and (where.agent_version is None or run.agent_version == where.agent_version)
        and (where.user_id is None or run.user_id == where.user_id)
        and (where.started_from is None or run.started_at >= where.started_from)
        and (where.started_to is None or run.started_at <= where.started_to)
    )


class InMemoryRuns(FakeRepository):
    def _alive(self, run: AgentRun | None) -> AgentRun | None:
        clock = self._s.clock
        if run is None or (clock is not None and run.expires_at <= clock.now()):
            return None
        return copy.deepcopy(run)

    def get(self, org_id: str, agent_id: str, run_id: str) -> AgentRun | None:
        return self._alive(self._s.runs.get((org_id, agent_id, run_id)))

    def list(
        self, org_id: str, agent_id: str, *, page: PageRequest, where: RunFilter
    ) -> Page[AgentRun]:
        ours = [
            replace(alive, inputs=None, outputs=None, steps=())  # summaries, as the store's
            for (o, a, _), run in self._s.runs.items()
            if (o, a) == (org_id, agent_id) and _matches(run, where)
            for alive in [self._alive(run)]
            if alive is not None
        ]
        scope = ("runs", org_id, agent_id, where)
        return newest_first(ours, page, scope=scope, key=lambda r: (isoformat(r.started_at), r.id))

    def get_replay(self, org_id: str, agent_id: str, actor: str, key: str) -> RunReplay | None:
        found: RunReplay | None = self._s.replays.get((org_id, agent_id, actor, key))
        clock = self._s.clock
        if found is not None and clock is not None and found.expires_at <= clock.now():
            return None
        return found

    def add(self, run: AgentRun, replay: RunReplay | None = None) -> None:
        key = (run.org_id, run.agent_id, run.id)

        def apply(s: RunsStore) -> None:
            if key in s.runs:
                raise Conflict("the run exists")
            s.runs[key] = copy.deepcopy(run)

        self._stage(("runs", *key), apply)
        if replay is None:
            return
        replay_key = (replay.org_id, replay.agent_id, replay.actor, replay.key)

        def claim(s: RunsStore) -> None:
            if replay_key in s.replays:
                raise ReplayTaken("a run was logged under this Idempotency-Key meanwhile")
            s.replays[replay_key] = replay

        self._stage(("replays", *replay_key), claim)


class InMemoryRunsUnitOfWork(FakeUnitOfWork):
    """Events are published to `store.events` by the commit, like the store's outbox."""

    store: RunsStore

    def __init__(self, store: RunsStore) -> None:
        super().__init__(store)
        self.agents = InMemoryAgentLookup(self)
        self.runs = InMemoryRuns(self)

    def publish(self, event: DomainEvent) -> None:
        self.staged.append(lambda s: s.events.append(event))
