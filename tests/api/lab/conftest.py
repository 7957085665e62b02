"""Lab API fixtures: a stack with the lab and the projects it lives in (ai_lab is not in
ROUTED_FEATURES, so only lab tests pay for its tables), the projects fixtures (a team of each
role, an outsider), and a project with an editor and a viewer."""

from __future__ import annotations

import pytest

from tests.api.projects.conftest import new_project, new_workspace, outsider, team

__all__ = ["outsider", "team"]

LAB_FEATURES = ("project_management", "ai_lab")


@pytest.fixture
def stack(make_stack, fast_hashing):  # type: ignore[no-untyped-def]
    return make_stack(LAB_FEATURES)


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
