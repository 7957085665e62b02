"""Logging a run: by the agent runtime (an API key with agent:execute) or a signed-in user,
editor on the agent's project. Each run is written with its audit entry and its
`AgentRunLogged` event in one transaction, and counted as `agent.run` usage.

Idempotency-Key holds at the table too: the key's IDEM# item is written in the run's own
transaction, so a retry finds the run it made even after the HTTP layer's 24-hour record is
gone, and two racing posts make one run.
"""

from __future__ import annotations

from typing import Any

from domains.agents.ports import ProjectAccess
from domains.agents.runs.model import AgentRun, RunDraft, RunReplay, check_run, epoch_ms, money
from domains.agents.runs.ports import ReplayTaken, RunsUnitOfWork, UnitOfWorkFactory
from domains.agents.runs.selectors import agent_for
from domains.shared.audit import actor_of
from domains.shared.clock import Clock, isoformat
from domains.shared.events import record_change
from domains.shared.guards import found
from domains.shared.idempotency import reused_with_other_body
from domains.shared.ids import id_at
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext
from domains.shared.usage import UsageRecorder

RAN = "agent.run"


class RunService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        projects: ProjectAccess,
        usage: UsageRecorder,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._projects = projects
        self._usage = usage

    def log(
        self,
        *,
        ctx: TenantContext,
        agent_id: str,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> tuple[AgentRun, bool]:
        """The run logged, and whether it was logged before under `idempotency_key` (then
        nothing is written or counted again)."""
        ctx.require(Permission.AGENT_EXECUTE)
        draft = check_run(now=self._clock.now(), **fields)
        actor = actor_of(ctx.principal)
        with self._uow() as uow:
            agent = agent_for(self._projects, ctx, uow, agent_id, "editor")
            if idempotency_key is not None:
                earlier = uow.runs.get_replay(ctx.org_id, agent.id, actor, idempotency_key)
                if earlier is not None:
                    return self._replayed(uow, earlier, draft), True
            run = self._run(ctx, agent.id, agent.project_id, actor, draft)
            replay = None
            if idempotency_key is not None:
                replay = RunReplay(
                    ctx.org_id,
                    agent.id,
                    actor,
                    idempotency_key,
                    run.id,
                    draft.fingerprint(),
                    run.expires_at.replace(microsecond=0),  # a TTL is whole seconds
                )
            uow.runs.add(run, replay)
            self._record(uow, ctx, run)
            try:
                uow.commit()
            except ReplayTaken:
                assert idempotency_key is not None
                return self._after_race(ctx, agent.id, actor, idempotency_key, draft), True
        self._usage.record(org_id=ctx.org_id, counter=RAN, at=run.started_at)
        return run, False

    def _run(
        self, ctx: TenantContext, agent_id: str, project_id: str, actor: str, draft: RunDraft
    ) -> AgentRun:
        return AgentRun(
            org_id=ctx.org_id,
            agent_id=agent_id,
            id=id_at(epoch_ms(draft.started_at)),
            project_id=project_id,
            user_id=ctx.principal.user_id,
            actor=actor,
            logged_at=self._clock.now(),
            **draft.__dict__,
        )

    def _replayed(self, uow: RunsUnitOfWork, earlier: RunReplay, draft: RunDraft) -> AgentRun:
        if earlier.fingerprint != draft.fingerprint():
            raise reused_with_other_body()
        run = uow.runs.get(earlier.org_id, earlier.agent_id, earlier.run_id)
        return found(run, "run")

    def _after_race(
        self, ctx: TenantContext, agent_id: str, actor: str, key: str, draft: RunDraft
    ) -> AgentRun:
        with self._uow() as uow:
            earlier = found(uow.runs.get_replay(ctx.org_id, agent_id, actor, key), "run")
            return self._replayed(uow, earlier, draft)

    @staticmethod
    def _record(uow: RunsUnitOfWork, ctx: TenantContext, run: AgentRun) -> None:
        """The event carries what the execution roll-ups need, so they never read the run."""
        record_change(
            uow,
            ctx,
            action="agent.run_log",
            event="AgentRunLogged",
            resource=("agent_run", run.id),
            at=run.logged_at,
            agent_id=run.agent_id,
            project_id=run.project_id,
            run_id=run.id,
            user=run.user_id,
            version=run.agent_version,
            status=run.status,
            started_at=isoformat(run.started_at),
            duration_ms=run.duration_ms,
            tokens_in=run.tokens_in,
            tokens_out=run.tokens_out,
            cost=money(run.cost),
            model=run.model,
        )
