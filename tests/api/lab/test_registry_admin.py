"""The model registry in the admin through Django's test client over the real container
(moto in-process): models and versions listed across organisations and per organisation,
filtered by stage and status; the stage and deploy actions on the selected versions, audited
by_staff and published like the API's, one production version kept."""

from __future__ import annotations

import re
from typing import Any

import pytest

from domains.shared.errors import Forbidden
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal
from nexus.container import container
from tests.api.lab.registry_helpers import model_with_versions
from tests.api.test_admin_projects import audit_entries, outbox_events

MODELS = "/admin/lab/models/"
VERSIONS = "/admin/lab/model-versions/"


def keys_on(client: Any, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.content.decode()
    return re.findall(r'name="_selected" value="([0-9A-Z]{26}:[0-9A-Z]{26}:\d+)"', body)


def act(client: Any, action: str, keys: list[str]) -> str:
    response = client.post(VERSIONS, {"action": action, "_selected": keys})
    assert response.status_code == 302, response.content
    return str(client.get(response["Location"]).content.decode())


def test_models_and_versions_are_listed(admin_client, crew, outsider):  # type: ignore[no-untyped-def]
    ours = model_with_versions(crew["owner"], crew["project"]["id"], 2, name="ours")
    from tests.api.projects.conftest import new_project, new_workspace

    theirs_project = new_project(outsider, new_workspace(outsider)["id"])
    theirs = model_with_versions(outsider, theirs_project["id"], 1, name="theirs")
    page = admin_client.get(MODELS).content.decode()
    assert "ours" in page and "theirs" in page
    org = crew["owner"].org_id
    only_ours = admin_client.get(f"{MODELS}?org={org}").content.decode()
    assert "ours" in only_ours and "theirs" not in only_ours
    found = admin_client.get(f"{MODELS}?q={org}:{ours}").content.decode()
    assert f"{org}:{ours}/change/" in found
    every = keys_on(admin_client, VERSIONS)
    assert sorted(every) == sorted(
        [f"{org}:{ours}:1", f"{org}:{ours}:2", f"{outsider.org_id}:{theirs}:1"]
    )
    assert keys_on(admin_client, f"{VERSIONS}?org={org}&model={ours}") == [
        f"{org}:{ours}:2",
        f"{org}:{ours}:1",
    ]
    detail = admin_client.get(f"{VERSIONS}{org}:{ours}:1/change/")
    assert detail.status_code == 200 and "s3://models/churn/1" in detail.content.decode()
    assert admin_client.get(f"{VERSIONS}{org}:{ours}:9/change/").status_code == 404


def test_stage_and_deploy_actions(admin_client, crew, staff):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    model_id = model_with_versions(owner, crew["project"]["id"], 2)
    org = owner.org_id
    v1, v2 = f"{org}:{model_id}:1", f"{org}:{model_id}:2"
    said = act(admin_client, "stage_production", [v1])
    assert "1 version(s) moved to production." in said
    said = act(admin_client, "stage_production", [v2])
    assert "1 version(s) moved to production." in said
    said = act(admin_client, "stage_production", [v2])
    assert "0 version(s) moved to production." in said and "in production already" in said
    assert keys_on(admin_client, f"{VERSIONS}?org={org}&stage=production") == [v2]
    assert keys_on(admin_client, f"{VERSIONS}?stage=archived") == [v1]
    detail = owner.call("GET", f"/api/models/{model_id}").json()
    assert detail["production_version"] == 2
    said = act(admin_client, "deploy_deploying", [v2])
    assert "1 version(s) now deploying." in said
    said = act(admin_client, "deploy_deployed", [v2, v1])
    assert "1 version(s) now deployed." in said and "cannot become deployed" in said
    assert keys_on(admin_client, f"{VERSIONS}?org={org}&status=deployed") == [v2]
    assert keys_on(admin_client, f"{VERSIONS}?status=deployed") == [v2]
    stage_entries = audit_entries(staff, org, "model.stage")
    assert len(stage_entries) == 2 and all(e.details["by_staff"] for e in stage_entries)
    assert len(audit_entries(staff, org, "model.deploy")) == 2
    assert [e["actor_id"] for e in outbox_events("ModelDeployed")] == [staff.id]


def test_the_staff_service_is_for_staff_only(crew):  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        container().lab_registry.staff().list_models(
            principal=Principal(crew["owner"].user_id), page=PageRequest(5)
        )
