"""Datasets in the admin (feature `ai_lab`), read only: every organisation's datasets, or one
organisation's. Keyed `<org id>:<dataset id>`. Registered from `domains.lab.admin`."""

from __future__ import annotations

from typing import Any

from domains.lab.datasets.model import invalid
from domains.lab.datasets.staff import StaffDatasetService
from domains.shared.admin import (
    ORG_FILTER,
    AdminCall,
    EntityAdmin,
    ListQuery,
    register,
    split_key,
)
from domains.shared.pagination import Page
from domains.shared.web import service

CONTEXT = "lab"
FEATURE = "ai_lab"


def _staff() -> StaffDatasetService:
    return service("lab_datasets").staff()  # type: ignore[no-any-return]


def _get(call: AdminCall, key: str) -> Any:
    org_id, dataset_id = split_key(key, 2)
    return _staff().get(principal=call.principal, org_id=org_id, dataset_id=dataset_id)


def _list(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        org_id, _, dataset_id = q.search.rpartition(":")
        org_id = (org_id or q.filter(ORG_FILTER) or "").strip()
        if not org_id:
            raise invalid("q", "choose an organisation, or search <organisation id>:<id>")
        return Page([_get(call, f"{org_id}:{dataset_id.strip()}".upper())])
    return _staff().list(principal=call.principal, page=q.page, org_id=q.filter(ORG_FILTER))


DATASETS = EntityAdmin(
    context=CONTEXT,
    name="datasets",
    label="Datasets",
    columns=("name", "format", "latest_version", "project_id", "updated_at", "org_id", "id"),
    list=_list,
    get=_get,
    key=lambda d: f"{d.org_id}:{d.id}",
    add=False,
    search_help="a dataset id, with an organisation chosen (or <organisation id>:<id>)",
    tenant_owned=True,
    feature=FEATURE,
)

register(DATASETS)
