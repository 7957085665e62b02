"""Experiment tracking in the admin through Django's test client over the real container
(moto in-process): experiments and runs listed across organisations and per organisation,
filtered; soft delete and restore of the selected experiments, audited by_staff and
published like the API's."""

from __future__ import annotations

import re
from typing import Any

import pytest

from domains.shared.errors import Forbidden
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal
from nexus.container import container
from tests.api.lab.tracking_helpers import new_experiment, new_run
from tests.api.projects.conftest import new_project, new_workspace
from tests.api.test_admin_projects import audit_entries, outbox_events

EXPERIMENTS = "/admin/lab/experiments/"
RUNS = "/admin/lab/experiment-runs/"
KEY = r'name="_selected" value="([0-9A-Z]{26}:[0-9A-Z]{26})"'
LINK = r"/([0-9A-Z]{26}:[0-9A-Z]{26})/change/"


def keys_on(client: Any, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return re.findall(KEY, response.content.decode())


def runs_on(client: Any, url: str) -> list[str]:
    """Runs have no actions (no checkboxes): their keys are read from the change links."""
    response = client.get(url)
    assert response.status_code == 200, response.content
    links = re.findall(RUNS + LINK[1:], response.content.decode())
    return list(dict.fromkeys(links))


def act(client: Any, action: str, keys: list[str]) -> str:
    response = client.post(EXPERIMENTS, {"action": action, "_selected": keys})
    assert response.status_code == 302, response.content
    return str(client.get(response["Location"]).content.decode())


def test_experiments_and_runs_are_listed(admin_client, crew, outsider):  # type: ignore[no-untyped-def]
    org, theirs_org = crew["owner"].org_id, outsider.org_id
    ours = new_experiment(crew["member"], crew["project"]["id"], "ours")
    theirs_project = new_project(outsider, new_workspace(outsider)["id"])
    theirs = new_experiment(outsider, theirs_project["id"], "theirs")
    run = new_run(crew["member"], ours["id"], name="baseline")
    new_run(outsider, theirs["id"], name="other")
    every = keys_on(admin_client, EXPERIMENTS)
    assert sorted(every) == sorted([f"{org}:{ours['id']}", f"{theirs_org}:{theirs['id']}"])
    assert keys_on(admin_client, f"{EXPERIMENTS}?org={org}") == [f"{org}:{ours['id']}"]
    found = admin_client.get(f"{EXPERIMENTS}?q={org}:{ours['id']}").content.decode()
    assert f"{org}:{ours['id']}/change/" in found
    detail = admin_client.get(f"{EXPERIMENTS}{org}:{ours['id']}/change/")
    assert detail.status_code == 200 and "ours" in detail.content.decode()
    assert len(runs_on(admin_client, RUNS)) == 2
    assert runs_on(admin_client, f"{RUNS}?org={org}&experiment={ours['id']}") == [
        f"{org}:{run['id']}"
    ]
    assert runs_on(admin_client, f"{RUNS}?org={org}") == [f"{org}:{run['id']}"]
    assert runs_on(admin_client, f"{RUNS}?org={org}&status=finished") == []
    run_page = admin_client.get(f"{RUNS}{org}:{run['id']}/change/")
    assert run_page.status_code == 200 and "baseline" in run_page.content.decode()
    assert admin_client.get(f"{RUNS}{org}:{ours['id']}/change/").status_code == 404


def test_delete_and_restore_actions(admin_client, crew, staff):  # type: ignore[no-untyped-def]
    org = crew["owner"].org_id
    exp = new_experiment(crew["member"], crew["project"]["id"])
    key = f"{org}:{exp['id']}"
    assert "1 experiment(s) deleted." in act(admin_client, "experiment_delete", [key])
    said = act(admin_client, "experiment_delete", [key])
    assert "0 experiment(s) deleted." in said and "deleted already" in said
    assert keys_on(admin_client, f"{EXPERIMENTS}?org={org}&lifecycle=deleted") == [key]
    got = crew["member"].call("GET", f"/api/experiments/{exp['id']}").json()
    assert got["lifecycle_stage"] == "deleted"
    assert "1 experiment(s) restored." in act(admin_client, "experiment_restore", [key])
    entries = audit_entries(staff, org, "experiment.delete")
    assert len(entries) == 1 and entries[0].details["by_staff"]
    assert [e["actor_id"] for e in outbox_events("ExperimentRestored")] == [staff.id]


def test_the_staff_service_is_for_staff_only(crew):  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        container().lab_tracking.staff().list_experiments(
            principal=Principal(crew["owner"].user_id), page=PageRequest(5)
        )
