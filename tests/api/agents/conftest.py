"""Agents API fixtures: the projects fixtures (a team of each role, an outsider), a project
with an editor and a viewer, and helpers that create agents through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.projects.conftest import new_project, new_workspace, outsider, team

__all__ = ["outsider", "team"]


@pytest.fixture
def crew(team):  # type: ignore[no-untyped-def]
    """An organisation with a project; `member` is its editor, `viewer` its viewer.
    `owner` and `admin` are admins of everything (organisation admins)."""
    t = team()
    owner = t["owner"]
    project = new_project(owner, new_workspace(owner)["id"])
    base = f"/api/projects/{project['id']}/members"
    for who, role in (("member", "editor"), ("viewer", "viewer")):
        added = owner.call("POST", base, {"user_id": t[who].user_id, "role": role})
        assert added.status_code in (200, 201), added.content
    return {**t, "project": project}


def new_agent(caller: Any, project_id: str, name: str = "Triage", **extra: Any) -> Any:
    body = {"name": name, **extra}
    created = caller.call("POST", f"/api/projects/{project_id}/agents", body)
    assert created.status_code == 201, created.content
    return created.json()
