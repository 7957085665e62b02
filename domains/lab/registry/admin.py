"""The model registry in the admin (feature `ai_lab`): models (read only) and their versions,
with actions that move the selected versions between stages and deployment statuses through
the staff service (audited by_staff, one production version kept). Models are keyed
`<org id>:<model id>`, versions `<org id>:<model id>:<number>`. Registered from
`domains.lab.admin`."""

from __future__ import annotations

from typing import Any

from domains.lab.registry.model import DEPLOY_STATUSES, STAGES, invalid
from domains.lab.registry.staff import Outcome, StaffRegistryService, VersionKey
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
from domains.shared.errors import NotFound
from domains.shared.pagination import Page
from domains.shared.web import service

CONTEXT = "lab"
FEATURE = "ai_lab"
STAGE_ACTIONS: tuple[tuple[str, str], ...] = (
    ("staging", "Move to staging"),
    ("production", "Promote to production"),
    ("archived", "Archive"),
    ("none", "Clear the stage"),
)
DEPLOY_ACTIONS: tuple[tuple[str, str], ...] = (
    ("deploying", "Start deployment"),
    ("deployed", "Mark deployed"),
    ("failed", "Mark deployment failed"),
    ("retired", "Retire deployment"),
)


def _staff() -> StaffRegistryService:
    return service("lab_registry").staff()  # type: ignore[no-any-return]


def _choices(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((v, v.capitalize()) for v in values)


def _model_ids(key: str) -> dict[str, Any]:
    org_id, model_id = split_key(key, 2)
    return {"org_id": org_id, "model_id": model_id}


def _version_key(key: str) -> VersionKey:
    org_id, model_id, number = split_key(key, 3)
    return org_id, model_id, int(number) if number.isdigit() else 0


def _searched(q: ListQuery) -> str:
    org_id, _, item_id = q.search.rpartition(":")
    org_id = (org_id or q.filter(ORG_FILTER) or "").strip()
    if not org_id:
        raise invalid("q", "choose an organisation, or search <organisation id>:<id>")
    return f"{org_id}:{item_id.strip()}".upper()


def _said(done: Outcome, what: str) -> str:
    skipped = f" Skipped {'; '.join(done.skipped)}." if done.skipped else ""
    return f"{done.changed} version(s) {what}.{skipped}"


# -- models ------------------------------------------------------------------------------------


def _get_model(call: AdminCall, key: str) -> Any:
    return _staff().get_model(principal=call.principal, **_model_ids(key))


def _list_models(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_get_model(call, _searched(q))])
    return _staff().list_models(
        principal=call.principal, page=q.page, org_id=q.filter(ORG_FILTER), task=q.filter("task")
    )


MODELS = EntityAdmin(
    context=CONTEXT,
    name="models",
    label="Models",
    columns=("name", "task", "framework", "latest_version", "project_id", "org_id", "id"),
    list=_list_models,
    get=_get_model,
    key=lambda m: f"{m.org_id}:{m.id}",
    add=False,
    filters=(ListFilter("task", "Task"),),
    search_help="a model id, with an organisation chosen (or <organisation id>:<id>)",
    tenant_owned=True,
    feature=FEATURE,
)

# -- versions ----------------------------------------------------------------------------------


def _get_version(call: AdminCall, key: str) -> Any:
    org_id, model_id, number = _version_key(key)
    if not number:
        raise NotFound("model version not found")
    return _staff().get_version(
        principal=call.principal, org_id=org_id, model_id=model_id, number=number
    )


def _list_versions(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        key = f"{q.filter(ORG_FILTER) or ''}:{q.filter('model') or ''}:{q.search.strip()}"
        return Page([_get_version(call, key.upper())])
    return _staff().list_versions(
        principal=call.principal,
        page=q.page,
        org_id=q.filter(ORG_FILTER),
        model_id=q.filter("model"),
        stage=q.filter("stage"),
        status=q.filter("status"),
    )


def _stage_action(stage: str, label: str) -> AdminAction:
    def run(call: AdminCall, keys: list[str]) -> str:
        done = _staff().set_stage(
            principal=call.principal,
            keys=[_version_key(k) for k in keys],
            stage=stage,
            request_id=call.request_id,
        )
        return _said(done, f"moved to {stage}")

    return AdminAction(f"stage_{stage}", label, run)


def _deploy_action(status: str, label: str) -> AdminAction:
    def run(call: AdminCall, keys: list[str]) -> str:
        done = _staff().deploy(
            principal=call.principal,
            keys=[_version_key(k) for k in keys],
            status=status,
            request_id=call.request_id,
        )
        return _said(done, f"now {status}")

    return AdminAction(f"deploy_{status}", label, run)


VERSIONS = EntityAdmin(
    context=CONTEXT,
    name="model-versions",
    label="Model versions",
    columns=(
        "model_name",
        "number",
        "stage",
        "deployment_status",
        "artifact_uri",
        "updated_at",
        "model_id",
        "org_id",
    ),
    list=_list_versions,
    get=_get_version,
    key=lambda v: f"{v.org_id}:{v.model_id}:{v.number}",
    add=False,
    filters=(
        ListFilter("model", "Model id"),
        ListFilter("stage", "Stage", _choices(STAGES)),
        ListFilter("status", "Deployment status", _choices(DEPLOY_STATUSES)),
    ),
    search_help="a version number, with an organisation and a model chosen",
    actions=tuple(_stage_action(s, label) for s, label in STAGE_ACTIONS)
    + tuple(_deploy_action(s, label) for s, label in DEPLOY_ACTIONS),
    tenant_owned=True,
    feature=FEATURE,
    links=(Link("model_id", CONTEXT, "models", lambda v: f"{v.org_id}:{v.model_id}"),),
)

register(MODELS, VERSIONS)
