"""What staff do to experiment tracking across organisations (the Django admin calls these):
browse experiments and runs; soft-delete and restore experiments through the experiment
service in a staff tenant context (validated, audited `by_staff`, published as the API's)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domains.lab.tracking.model import ACTIVE, DELETED, Experiment, Run, check_status, invalid
from domains.lab.tracking.ports import TrackingStaffBrowser, UnitOfWorkFactory
from domains.lab.tracking.services.experiments import ExperimentService
from domains.shared.errors import DomainError
from domains.shared.guards import found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.staff import require_staff, staff_context
from domains.shared.tenancy import Principal, TenantContext

STAFF_PERMISSIONS = frozenset(
    {
        Permission.LAB_READ,
        Permission.LAB_WRITE,
        Permission.PROJECT_READ,  # the experiment's project, read for the role on it
        Permission.WORKSPACE_ADMIN,  # admin of every project of the organisation
    }
)
ExperimentKey = tuple[str, str]  # organisation, experiment


def staff_tenant(principal: Principal, org_id: str, request_id: str = "") -> TenantContext:
    return staff_context(principal, org_id, permissions=STAFF_PERMISSIONS, request_id=request_id)


@dataclass(frozen=True)
class Outcome:
    changed: int
    skipped: tuple[str, ...] = ()


class StaffTrackingService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        browser: TrackingStaffBrowser,
        experiments: ExperimentService,
    ) -> None:
        self._uow = uow
        self._browser = browser
        self._experiments = experiments

    def list_experiments(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        lifecycle: str | None = None,
    ) -> Page[Experiment]:
        """An organisation's experiments newest first (a Query), else every one's (a Scan)."""
        require_staff(principal)
        if lifecycle not in (None, ACTIVE, DELETED):
            raise invalid(["lifecycle"], f"one of {[ACTIVE, DELETED]}")
        if not org_id:
            return self._browser.experiments(page, org_id=None, lifecycle=lifecycle)
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            return uow.experiments.list_org(ctx.org_id, lifecycle=lifecycle, page=page)

    def get_experiment(
        self, *, principal: Principal, org_id: str, experiment_id: str
    ) -> Experiment:
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            wanted = (
                uow.experiments.get(ctx.org_id, experiment_id)
                if is_valid_id(experiment_id)
                else None
            )
        return found(wanted, "experiment")

    def list_runs(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        experiment_id: str | None = None,
        status: str | None = None,
    ) -> Page[Run]:
        """An experiment's runs newest first (its index), else a Scan (by organisation)."""
        require_staff(principal)
        wanted = check_status(status) if status else None
        if org_id and experiment_id:
            ctx = staff_tenant(principal, org_id)
            with self._uow() as uow:
                return uow.runs.list_experiment(ctx.org_id, experiment_id, status=wanted, page=page)
        if org_id:
            staff_tenant(principal, org_id)  # a malformed organisation id is 404
        return self._browser.runs(page, org_id=org_id or None, status=wanted)

    def get_run(self, *, principal: Principal, org_id: str, run_id: str) -> Run:
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            wanted = uow.runs.get(ctx.org_id, run_id) if is_valid_id(run_id) else None
        return found(wanted, "run")

    def delete_experiments(
        self, *, principal: Principal, keys: Iterable[ExperimentKey], request_id: str = ""
    ) -> Outcome:
        def change(ctx: TenantContext, e: Experiment) -> None:
            self._experiments.delete(ctx=ctx, experiment_id=e.id, expected_version=e.version)

        return self._each(principal, keys, request_id, change)

    def restore_experiments(
        self, *, principal: Principal, keys: Iterable[ExperimentKey], request_id: str = ""
    ) -> Outcome:
        def change(ctx: TenantContext, e: Experiment) -> None:
            self._experiments.restore(ctx=ctx, experiment_id=e.id, expected_version=e.version)

        return self._each(principal, keys, request_id, change)

    def _each(
        self,
        principal: Principal,
        keys: Iterable[ExperimentKey],
        request_id: str,
        change: Callable[[TenantContext, Experiment], None],
    ) -> Outcome:
        changed, skipped = 0, []
        for org_id, experiment_id in keys:
            ctx = staff_tenant(principal, org_id, request_id)
            try:
                change(
                    ctx,
                    self.get_experiment(
                        principal=principal, org_id=org_id, experiment_id=experiment_id
                    ),
                )
                changed += 1
            except DomainError as e:
                skipped.append(f"{experiment_id}: {e.detail}")
        return Outcome(changed, tuple(skipped))
