"""Experiment tracking in the admin (feature `ai_lab`): experiments (read, with actions to
soft-delete and restore the selected ones through the staff service, audited by_staff) and
runs (read only). Experiments are keyed `<org id>:<experiment id>`, runs `<org id>:<run id>`.
Registered from `domains.lab.admin`."""

from __future__ import annotations

from typing import Any

from domains.lab.tracking.model import ACTIVE, DELETED, RUN_STATUSES, invalid
from domains.lab.tracking.staff import ExperimentKey, Outcome, StaffTrackingService
from domains.shared.admin import (
    ORG_FILTER,
    AdminAction,
    AdminCall,
    EntityAdmin,
    Link,
    ListFilter,
    ListQuery,
    register,
    split_key,
)
from domains.shared.pagination import Page
from domains.shared.web import service

CONTEXT = "lab"
FEATURE = "ai_lab"


def _staff() -> StaffTrackingService:
    return service("lab_tracking").staff()  # type: ignore[no-any-return]


def _choices(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((v, v.capitalize()) for v in values)


def _key(key: str) -> ExperimentKey:
    org_id, item_id = split_key(key, 2)
    return org_id, item_id


def _searched(q: ListQuery) -> str:
    org_id, _, item_id = q.search.rpartition(":")
    org_id = (org_id or q.filter(ORG_FILTER) or "").strip()
    if not org_id:
        raise invalid(["q"], "choose an organisation, or search <organisation id>:<id>")
    return f"{org_id}:{item_id.strip()}".upper()


def _said(done: Outcome, what: str) -> str:
    skipped = f" Skipped {'; '.join(done.skipped)}." if done.skipped else ""
    return f"{done.changed} experiment(s) {what}.{skipped}"


# -- experiments -------------------------------------------------------------------------------


def _get_experiment(call: AdminCall, key: str) -> Any:
    org_id, experiment_id = _key(key)
    return _staff().get_experiment(
        principal=call.principal, org_id=org_id, experiment_id=experiment_id
    )


def _list_experiments(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_get_experiment(call, _searched(q))])
    return _staff().list_experiments(
        principal=call.principal,
        page=q.page,
        org_id=q.filter(ORG_FILTER),
        lifecycle=q.filter("lifecycle"),
    )


def _action(name: str, label: str, what: str) -> AdminAction:
    def run(call: AdminCall, keys: list[str]) -> str:
        chosen = [_key(k) for k in keys]
        staff = _staff()
        act = staff.delete_experiments if name == "delete" else staff.restore_experiments
        return _said(act(principal=call.principal, keys=chosen, request_id=call.request_id), what)

    return AdminAction(f"experiment_{name}", label, run)


EXPERIMENTS = EntityAdmin(
    context=CONTEXT,
    name="experiments",
    label="Experiments",
    columns=("name", "lifecycle_stage", "project_id", "updated_at", "org_id", "id"),
    list=_list_experiments,
    get=_get_experiment,
    key=lambda e: f"{e.org_id}:{e.id}",
    add=False,
    filters=(ListFilter("lifecycle", "Lifecycle", _choices((ACTIVE, DELETED))),),
    search_help="an experiment id, with an organisation chosen (or <organisation id>:<id>)",
    actions=(
        _action("delete", "Delete (soft; restorable)", "deleted"),
        _action("restore", "Restore", "restored"),
    ),
    tenant_owned=True,
    feature=FEATURE,
)

# -- runs --------------------------------------------------------------------------------------


def _get_run(call: AdminCall, key: str) -> Any:
    org_id, run_id = _key(key)
    return _staff().get_run(principal=call.principal, org_id=org_id, run_id=run_id)


def _list_runs(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_get_run(call, _searched(q))])
    return _staff().list_runs(
        principal=call.principal,
        page=q.page,
        org_id=q.filter(ORG_FILTER),
        experiment_id=q.filter("experiment"),
        status=q.filter("status"),
    )


RUNS = EntityAdmin(
    context=CONTEXT,
    name="experiment-runs",
    label="Experiment runs",
    columns=("name", "status", "started_at", "ended_at", "experiment_id", "org_id", "id"),
    list=_list_runs,
    get=_get_run,
    key=lambda r: f"{r.org_id}:{r.id}",
    add=False,
    filters=(
        ListFilter("experiment", "Experiment id"),
        ListFilter("status", "Status", _choices(RUN_STATUSES)),
    ),
    search_help="a run id, with an organisation chosen (or <organisation id>:<id>)",
    tenant_owned=True,
    feature=FEATURE,
    links=(
        Link("experiment_id", CONTEXT, "experiments", lambda r: f"{r.org_id}:{r.experiment_id}"),
    ),
)

register(EXPERIMENTS, RUNS)
