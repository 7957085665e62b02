"""Loading what a tracking use case acts on, with the caller's role on its project: an id
that is malformed, absent, another organisation's or in a project the caller cannot see is
404 alike."""

from __future__ import annotations

from domains.lab.access import ProjectAccess, require_role
from domains.lab.tracking.model import Experiment, Run
from domains.lab.tracking.ports import TrackingUnitOfWork
from domains.shared.errors import Conflict, NotFound
from domains.shared.guards import found
from domains.shared.ids import is_valid_id
from domains.shared.tenancy import TenantContext


def experiment_with_role(
    projects: ProjectAccess,
    ctx: TenantContext,
    uow: TrackingUnitOfWork,
    experiment_id: str,
    role: str,
) -> Experiment:
    wanted = uow.experiments.get(ctx.org_id, experiment_id) if is_valid_id(experiment_id) else None
    experiment = found(wanted, "experiment")
    try:
        require_role(projects, ctx, experiment.project_id, role)
    except NotFound:
        raise NotFound("experiment not found") from None
    return experiment


def run_with_role(
    projects: ProjectAccess,
    ctx: TenantContext,
    uow: TrackingUnitOfWork,
    run_id: str,
    role: str,
    experiment_id: str | None = None,
) -> tuple[Experiment, Run]:
    """A run by id alone (MLflow's way) with its experiment; on our paths `experiment_id`
    names the experiment too, and another experiment's run is 404 there."""
    run = uow.runs.get(ctx.org_id, run_id) if is_valid_id(run_id) else None
    if run is None or experiment_id not in (None, run.experiment_id):
        raise NotFound("run not found")
    try:
        experiment = experiment_with_role(projects, ctx, uow, run.experiment_id, role)
    except NotFound:
        raise NotFound("run not found") from None
    return experiment, run


def writable_run(
    projects: ProjectAccess,
    ctx: TenantContext,
    uow: TrackingUnitOfWork,
    run_id: str,
    experiment_id: str | None = None,
) -> Run:
    """A run to change or log to: editor on the project, and its experiment not deleted
    (MLflow refuses writes to the runs of a deleted experiment too)."""
    experiment, run = run_with_role(projects, ctx, uow, run_id, "editor", experiment_id)
    if not experiment.active:
        raise Conflict("the run's experiment is deleted: restore it first")
    return run
