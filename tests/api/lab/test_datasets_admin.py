"""Datasets in the admin through Django's test client over the real container (moto
in-process): listed across organisations (deleted ones included) and per organisation (live
ones), searched, and shown; read only."""

from __future__ import annotations

from tests.api.lab.test_datasets import register
from tests.api.projects.conftest import new_project, new_workspace

DATASETS = "/admin/lab/datasets/"


def test_datasets_are_listed_and_shown(admin_client, crew, outsider):  # type: ignore[no-untyped-def]
    org, theirs_org = crew["owner"].org_id, outsider.org_id
    ours = register(crew["member"], crew["project"]["id"], name="ours-data")
    theirs_project = new_project(outsider, new_workspace(outsider)["id"])
    theirs = register(outsider, theirs_project["id"], name="theirs-data")
    listed = admin_client.get(DATASETS)
    assert listed.status_code == 200, listed.content
    page = listed.content.decode()
    assert f"{org}:{ours['id']}/change/" in page and f"{theirs_org}:{theirs['id']}/change/" in page
    mine = admin_client.get(f"{DATASETS}?org={org}").content.decode()
    assert f"{org}:{ours['id']}/change/" in mine and theirs["id"] not in mine
    found = admin_client.get(f"{DATASETS}?q={org}:{ours['id']}").content.decode()
    assert f"{org}:{ours['id']}/change/" in found
    detail = admin_client.get(f"{DATASETS}{org}:{ours['id']}/change/")
    assert detail.status_code == 200 and "ours-data" in detail.content.decode()
    assert admin_client.get(f"{DATASETS}{theirs_org}:{ours['id']}/change/").status_code == 404
