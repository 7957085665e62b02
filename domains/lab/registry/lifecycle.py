"""A version's lifecycle: its stage (none, staging, production, archived; exactly one
production version per model) and its deployment status (TRANSITIONS in model.py).

Promotion to production is one transaction of three items: the STAGE#production pointer,
written on condition that it still names the version it named when read (or is still
absent), the promoted version and the one it replaces (archived), each on its own version.
Of two promotions racing, one commits and the other's condition fails: Conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from domains.lab.access import ProjectAccess
from domains.lab.registry.model import (
    PRODUCTION,
    ModelVersion,
    RegisteredModel,
    StagePointer,
    check_endpoint,
    check_stage,
    check_status,
)
from domains.lab.registry.ports import RegistryUnitOfWork, UnitOfWorkFactory
from domains.lab.registry.selectors import load_version, model_with_role
from domains.lab.registry.services import check_text
from domains.shared.clock import Clock
from domains.shared.events import record_change
from domains.shared.guards import check_version
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext

REPLACED_STAGE = "archived"  # where the production version goes when another replaces it
DEPLOY_EVENTS = {
    "deploying": "ModelDeploymentStarted",
    "deployed": "ModelDeployed",
    "failed": "ModelDeploymentFailed",
    "retired": "ModelRetired",
}


def bumped(version: ModelVersion) -> ModelVersion:
    return replace(version, version=version.version + 1)


class ModelLifecycleService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, projects: ProjectAccess) -> None:
        self._uow = uow
        self._clock = clock
        self._projects = projects

    def set_stage(
        self,
        *,
        ctx: TenantContext,
        model_id: str,
        number: int,
        stage: str,
        expected_version: int | None = None,
    ) -> tuple[ModelVersion, ModelVersion | None]:
        """The version in `stage`, and the version it took production from (if any).
        Entering or leaving production needs model:deploy as well as model:write."""
        ctx.require(Permission.MODEL_WRITE)
        wanted = check_stage(stage)
        with self._uow() as uow:
            model = model_with_role(self._projects, ctx, uow, model_id, "editor")
            target = load_version(uow, model, number, consistent=True)
            check_version(expected_version, target.version, "model version")
            if target.stage == wanted:
                return target, None
            if PRODUCTION in (wanted, target.stage):
                ctx.require(Permission.MODEL_DEPLOY)
            replaced = self._move_pointer(uow, model, target, wanted)
            changed = target.staged(wanted, at=self._clock.now())
            uow.versions.save(changed)
            self._record(
                uow,
                ctx,
                model,
                "stage",
                "ModelStageChanged",
                number=number,
                stage=wanted,
                previous=target.stage,
                replaced=replaced.number if replaced else None,
            )
            uow.commit()
        return bumped(changed), bumped(replaced) if replaced else None

    def _move_pointer(
        self, uow: RegistryUnitOfWork, model: RegisteredModel, target: ModelVersion, wanted: str
    ) -> ModelVersion | None:
        """Stage the pointer's move (and the replaced version's archiving) for `target`
        entering or leaving production; returns the replaced version, staged. The pointer
        is staged first: when a racing promotion won, its refusal is the one reported
        (Conflict), not the staleness of a version it also changed."""
        pointer = uow.stages.get(model.org_id, model.id, PRODUCTION)
        now = self._clock.now()
        if wanted != PRODUCTION:
            if pointer is not None and pointer.number == target.number:
                uow.stages.remove(pointer)
            return None
        moved = StagePointer(
            model.org_id,
            model.id,
            PRODUCTION,
            target.number,
            now,
            pointer.version if pointer else 0,
        )
        uow.stages.move(moved, previous=pointer)
        replaced = None
        if pointer is not None and pointer.number != target.number:
            holder = uow.versions.get(model.org_id, model.id, pointer.number, consistent=True)
            if holder is not None and holder.stage == PRODUCTION:
                replaced = holder.staged(REPLACED_STAGE, at=now)
                uow.versions.save(replaced)
        return replaced

    def deploy(
        self,
        *,
        ctx: TenantContext,
        model_id: str,
        number: int,
        status: str,
        endpoint: Mapping[str, Any] | None = None,
        note: str = "",
        expected_version: int | None = None,
    ) -> ModelVersion:
        """Move a version's deployment to `status` (Conflict unless the transition is
        allowed), timestamped in its history, with the endpoint's metadata."""
        ctx.require(Permission.MODEL_DEPLOY)
        wanted = check_status(status)
        metadata = check_endpoint(endpoint or {})
        said = check_text("note", note, high=500)
        with self._uow() as uow:
            model = model_with_role(self._projects, ctx, uow, model_id, "editor")
            target = load_version(uow, model, number, consistent=True)
            check_version(expected_version, target.version, "model version")
            changed = target.deployed(
                wanted,
                at=self._clock.now(),
                by=ctx.principal.user_id,
                endpoint=metadata,
                note=said,
            )
            uow.versions.save(changed)
            self._record(
                uow,
                ctx,
                model,
                "deploy",
                DEPLOY_EVENTS[wanted],
                number=number,
                status=wanted,
                previous=target.deployment_status,
            )
            uow.commit()
        return bumped(changed)

    def _record(
        self,
        uow: RegistryUnitOfWork,
        ctx: TenantContext,
        model: RegisteredModel,
        verb: str,
        event: str,
        **details: Any,
    ) -> None:
        record_change(
            uow,
            ctx,
            action=f"model.{verb}",
            event=event,
            resource=("model", model.id),
            at=self._clock.now(),
            **details,
        )
