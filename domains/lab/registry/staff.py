"""What staff do to the model registry across organisations (the Django admin calls these):
browse models and versions; move versions between stages and deployment statuses.

Every use case requires a staff principal. Changes go through the lifecycle service in a
staff tenant context (admin of every project of the organisation, with model:deploy), so
they are validated, version-checked, audited (`by_staff`) and published as the API's are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domains.lab.registry.lifecycle import ModelLifecycleService
from domains.lab.registry.model import (
    ModelVersion,
    RegisteredModel,
    check_stage,
    check_status,
    check_word,
)
from domains.lab.registry.ports import RegistryStaffBrowser, UnitOfWorkFactory, VersionFilter
from domains.shared.errors import DomainError
from domains.shared.guards import found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.staff import require_staff, staff_context
from domains.shared.tenancy import Principal, TenantContext

STAFF_PERMISSIONS = frozenset(
    {
        Permission.MODEL_READ,
        Permission.MODEL_WRITE,
        Permission.MODEL_DEPLOY,
        Permission.PROJECT_READ,  # the model's project, read for the role on it
        Permission.WORKSPACE_ADMIN,  # admin of every project of the organisation
    }
)
VersionKey = tuple[str, str, int]  # organisation, model, version number


def staff_tenant(principal: Principal, org_id: str, request_id: str = "") -> TenantContext:
    return staff_context(principal, org_id, permissions=STAFF_PERMISSIONS, request_id=request_id)


@dataclass(frozen=True)
class Outcome:
    """What a bulk action did: how many versions changed, and why the others did not."""

    changed: int
    skipped: tuple[str, ...] = ()


class StaffRegistryService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        browser: RegistryStaffBrowser,
        lifecycle: ModelLifecycleService,
    ) -> None:
        self._uow = uow
        self._browser = browser
        self._lifecycle = lifecycle

    def list_models(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        task: str | None = None,
    ) -> Page[RegisteredModel]:
        """An organisation's models (a Query; a task's by its index), else every
        organisation's (a Scan)."""
        require_staff(principal)
        wanted = check_word("task", task) if task else None
        if not org_id:
            return self._browser.models(page, task=wanted)
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            return uow.models.list(ctx.org_id, page=page, task=wanted)

    def get_model(self, *, principal: Principal, org_id: str, model_id: str) -> RegisteredModel:
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            model = uow.models.get(ctx.org_id, model_id) if is_valid_id(model_id) else None
        return found(model, "model")

    def list_versions(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        model_id: str | None = None,
        stage: str | None = None,
        status: str | None = None,
    ) -> Page[ModelVersion]:
        """A model's versions (newest first), an organisation's in a stage or status (their
        index), else every organisation's (a Scan, filtered)."""
        require_staff(principal)
        wanted = VersionFilter(
            status=check_status(status) if status else None,
            stage=check_stage(stage) if stage else None,
        )
        if not org_id:
            return self._browser.versions(page, stage=wanted.stage, status=wanted.status)
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            if model_id:
                listed = uow.versions.list(ctx.org_id, model_id, page=page)
                kept = [v for v in listed.items if _matches(v, wanted)]
                return Page(kept, listed.next_cursor)
            if wanted.stage or wanted.status:
                return uow.versions.find(ctx.org_id, wanted, page=page)
        return self._browser.versions(page)

    def get_version(
        self, *, principal: Principal, org_id: str, model_id: str, number: int
    ) -> ModelVersion:
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            valid = is_valid_id(model_id) and number >= 1
            version = uow.versions.get(ctx.org_id, model_id, number) if valid else None
        return found(version, "model version")

    def set_stage(
        self,
        *,
        principal: Principal,
        keys: Iterable[VersionKey],
        stage: str,
        request_id: str = "",
    ) -> Outcome:
        """Each version to `stage` (to production: the one it replaces is archived)."""
        require_staff(principal)
        wanted = check_stage(stage)

        def change(ctx: TenantContext, version: ModelVersion) -> str | None:
            if version.stage == wanted:
                return f"in {wanted} already"
            self._lifecycle.set_stage(
                ctx=ctx,
                model_id=version.model_id,
                number=version.number,
                stage=wanted,
                expected_version=version.version,
            )
            return None

        return self._each(principal, keys, request_id, change)

    def deploy(
        self,
        *,
        principal: Principal,
        keys: Iterable[VersionKey],
        status: str,
        request_id: str = "",
    ) -> Outcome:
        """Each version's deployment to `status`, where the lifecycle allows it."""
        require_staff(principal)
        wanted = check_status(status)

        def change(ctx: TenantContext, version: ModelVersion) -> str | None:
            self._lifecycle.deploy(
                ctx=ctx,
                model_id=version.model_id,
                number=version.number,
                status=wanted,
                note="by staff",
                expected_version=version.version,
            )
            return None

        return self._each(principal, keys, request_id, change)

    def _each(
        self,
        principal: Principal,
        keys: Iterable[VersionKey],
        request_id: str,
        change: Callable[[TenantContext, ModelVersion], str | None],
    ) -> Outcome:
        changed, skipped = 0, []
        for org_id, model_id, number in keys:
            ctx = staff_tenant(principal, org_id, request_id)
            try:
                version = self.get_version(
                    principal=principal, org_id=org_id, model_id=model_id, number=number
                )
                why = change(ctx, version)
            except DomainError as e:
                why = e.detail
            if why is None:
                changed += 1
            else:
                skipped.append(f"{model_id} v{number}: {why}")
        return Outcome(changed, tuple(skipped))


def _matches(version: ModelVersion, wanted: VersionFilter) -> bool:
    return (wanted.stage in (None, version.stage)) and (
        wanted.status in (None, version.deployment_status)
    )
