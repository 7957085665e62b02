"""Runs: create in an experiment, read, search, move through their lifecycle, retag, log
params (immutable) and the dataset versions used. A change made without If-Match (MLflow's
clients send none) is retried over a newer version, so concurrent loggers both land."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from domains.lab.access import ProjectAccess
from domains.lab.datasets.lineage import record_uses
from domains.lab.tracking.model import (
    MAX_DATASETS,
    MAX_PARAM_CHARS,
    MAX_TAG_CHARS,
    MAX_TAGS,
    TERMINAL,
    DatasetUse,
    Run,
    check_name,
    check_pairs,
    check_run_size,
    check_status,
    check_transition,
    invalid,
    merged_params,
)
from domains.lab.tracking.ports import TrackingUnitOfWork, UnitOfWorkFactory
from domains.lab.tracking.search import parse_query
from domains.lab.tracking.selectors import experiment_with_role, run_with_role, writable_run
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.events import record_change
from domains.shared.guards import check_version
from domains.shared.ids import new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext

Change = Callable[[Run, datetime], Run | None]  # None: nothing to write
ATTEMPTS = 5  # writers racing on one run without If-Match


def _tags(raw: Mapping[str, str]) -> dict[str, str]:
    return check_pairs(raw, "tags", limit=MAX_TAGS, value_chars=MAX_TAG_CHARS)


def _datasets(current: Iterable[DatasetUse], added: Iterable[DatasetUse]) -> tuple[DatasetUse, ...]:
    uses = list(current)
    for use in added:
        if not use.dataset_id or not use.version or len(use.dataset_id + use.version) > 200:
            raise invalid(["datasets"], "each names a dataset id and a version")
        if use not in uses:
            uses.append(use)
    if len(uses) > MAX_DATASETS:
        raise invalid(["datasets"], f"a run records at most {MAX_DATASETS} dataset versions")
    return tuple(uses)


def _link_datasets(
    uow: TrackingUnitOfWork, ctx: TenantContext, run: Run, uses: Iterable[DatasetUse], at: datetime
) -> None:
    """Lineage: the uses naming a registered dataset version get an item in `datasets`, in
    the run's transaction (see domains.lab.datasets.lineage)."""
    record_uses(
        uow.lineage,
        org_id=run.org_id,
        run_id=run.id,
        experiment_id=run.experiment_id,
        project_id=run.project_id,
        uses=[(u.dataset_id, u.version, u.context) for u in uses],
        by=ctx.principal.user_id,
        at=at,
    )


class ExperimentRunService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, projects: ProjectAccess) -> None:
        self._uow = uow
        self._clock = clock
        self._projects = projects

    def create(
        self,
        *,
        ctx: TenantContext,
        experiment_id: str,
        name: str = "",
        status: str = "running",
        started_at: datetime | None = None,
        params: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
        datasets: Iterable[DatasetUse] = (),
    ) -> Run:
        """Needs editor on the experiment's project; the experiment must be active."""
        ctx.require(Permission.LAB_WRITE)
        if check_status(status) not in ("scheduled", "running"):
            raise invalid(["status"], "a run starts scheduled or running")
        now = self._clock.now()
        run_id = new_id()
        with self._uow() as uow:
            experiment = experiment_with_role(self._projects, ctx, uow, experiment_id, "editor")
            if not experiment.active:
                raise Conflict("the experiment is deleted")
            run = Run(
                ctx.org_id,
                run_id,
                experiment.id,
                experiment.project_id,
                check_name(name, "name") if name else f"run-{run_id[-6:].lower()}",
                ctx.principal.user_id,
                started_at or now,
                status,
                params=merged_params({}, self._params(params or {})),
                tags=_tags(tags or {}),
                datasets=_datasets((), datasets),
            )
            uow.runs.add(check_run_size(run))
            _link_datasets(uow, ctx, run, run.datasets, now)
            self._record(uow, ctx, run, "create", "RunCreated", now)
            uow.commit()
        return replace(run, version=1)

    def get(self, *, ctx: TenantContext, run_id: str, experiment_id: str | None = None) -> Run:
        ctx.require(Permission.LAB_READ)
        with self._uow() as uow:
            return run_with_role(self._projects, ctx, uow, run_id, "viewer", experiment_id)[1]

    def search(
        self,
        *,
        ctx: TenantContext,
        experiment_id: str,
        page: PageRequest,
        status: str | None = None,
        filter: str | None = None,
        order_by: str | None = None,
    ) -> Page[Run]:
        """Newest first, or filtered and sorted among the newest SEARCH_BOUND runs."""
        ctx.require(Permission.LAB_READ)
        query = parse_query(filter, order_by)
        wanted = check_status(status) if status is not None else None
        with self._uow() as uow:
            experiment = experiment_with_role(self._projects, ctx, uow, experiment_id, "viewer")
            if query.plain:
                return uow.runs.list_experiment(ctx.org_id, experiment.id, status=wanted, page=page)
            return uow.runs.search(ctx.org_id, experiment.id, status=wanted, query=query, page=page)

    def update(
        self,
        *,
        ctx: TenantContext,
        run_id: str,
        expected_version: int | None,
        experiment_id: str | None = None,
        status: str | None = None,
        ended_at: datetime | None = None,
        name: str | None = None,
        tags: Mapping[str, str] | None = None,
        delete_tags: Iterable[str] = (),
        datasets: Iterable[DatasetUse] = (),
        error: str | None = None,
    ) -> Run:
        """Move the status forward (a terminal one ends the run: `ended_at`, else now), set
        or delete tags, rename, record dataset versions used. `error` (the error's kind) goes
        with a change that ends the run failed or killed: RunFinished carries it (for the
        analytics' error patterns); the run does not keep it."""
        wanted = check_status(status) if status is not None else None
        set_tags = _tags(tags or {})
        dropped = list(delete_tags)
        added = list(datasets)

        def change(r: Run, now: datetime) -> Run:
            if wanted is not None:
                check_transition(r.status, wanted)
            after = wanted or r.status
            if ended_at is not None and after not in TERMINAL:
                raise invalid(["ended_at"], "only a finished, failed or killed run has an end")
            ending = after in TERMINAL and r.status not in TERMINAL
            if error is not None and not (ending and after != "finished"):
                raise invalid(["error"], "only a change ending the run failed or killed has one")
            end = r.ended_at
            if after in TERMINAL and r.status not in TERMINAL:
                end = ended_at or now
            if end is not None and end < r.started_at:
                raise invalid(["ended_at"], "a run cannot end before it started")
            merged = {k: v for k, v in {**r.tags, **set_tags}.items() if k not in dropped}
            return replace(
                r,
                status=after,
                ended_at=end,
                name=check_name(name) if name is not None else r.name,
                tags=_tags(merged),
                datasets=_datasets(r.datasets, added),
            )

        return self._change(
            ctx, run_id, experiment_id, expected_version, change, "update", error=error
        )

    def log_params(
        self,
        *,
        ctx: TenantContext,
        run_id: str,
        params: Mapping[str, str],
        experiment_id: str | None = None,
        tags: Mapping[str, str] | None = None,
        expected_version: int | None = None,
    ) -> Run:
        """Params are immutable: the same value again changes nothing, another is Conflict."""
        logged = self._params(params)
        set_tags = _tags(tags or {})
        if not logged and not set_tags:
            raise invalid(["params"], "log at least one param (or tag)")

        def change(r: Run, now: datetime) -> Run | None:
            merged = merged_params(r.params, logged)
            retagged = _tags({**r.tags, **set_tags})
            if merged == r.params and retagged == r.tags:
                return None
            return replace(r, params=merged, tags=retagged)

        return self._change(ctx, run_id, experiment_id, expected_version, change, "params")

    @staticmethod
    def _params(raw: Mapping[str, Any]) -> dict[str, str]:
        as_text = {k: v if isinstance(v, str) else str(v) for k, v in raw.items()}
        return check_pairs(as_text, "params", limit=100_000, value_chars=MAX_PARAM_CHARS)

    def _change(
        self,
        ctx: TenantContext,
        run_id: str,
        experiment_id: str | None,
        expected_version: int | None,
        change: Change,
        verb: str,
        error: str | None = None,
    ) -> Run:
        ctx.require(Permission.LAB_WRITE)
        for attempt in range(ATTEMPTS):
            try:
                return self._change_once(
                    ctx, run_id, experiment_id, expected_version, change, verb, error
                )
            except PreconditionFailed:
                if expected_version is not None or attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _change_once(
        self,
        ctx: TenantContext,
        run_id: str,
        experiment_id: str | None,
        expected_version: int | None,
        change: Change,
        verb: str,
        error: str | None = None,
    ) -> Run:
        now = self._clock.now()
        with self._uow() as uow:
            run = writable_run(self._projects, ctx, uow, run_id, experiment_id)
            check_version(expected_version, run.version, "run")
            changed = change(run, now)
            if changed is None:
                return run
            uow.runs.save(check_run_size(changed))
            added = [use for use in changed.datasets if use not in run.datasets]
            _link_datasets(uow, ctx, changed, added, now)
            if changed.status in TERMINAL and run.status not in TERMINAL:
                finished = {"status": changed.status, "duration_ms": changed.duration_ms}
                finished |= {"error": error} if error else {}
                self._record(uow, ctx, changed, "finish", "RunFinished", now, **finished)
            else:
                self._record(uow, ctx, changed, verb, "RunUpdated", now)
            uow.commit()
        return replace(changed, version=run.version + 1)

    @staticmethod
    def _record(
        uow: TrackingUnitOfWork,
        ctx: TenantContext,
        run: Run,
        verb: str,
        event: str,
        at: datetime,
        **details: Any,
    ) -> None:
        record_change(
            uow,
            ctx,
            action=f"run.{verb}",
            event=event,
            resource=("run", run.id),
            at=at,
            experiment_id=run.experiment_id,
            project_id=run.project_id,
            **details,
        )
