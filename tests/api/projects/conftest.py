"""Projects API fixtures: org callers of each role, and helpers that create a workspace or
a project through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.members import add_member


@pytest.fixture
def team(signup):  # type: ignore[no-untyped-def]
    """An organisation with an owner and one member of each other role, all sending the
    organisation header."""

    def make() -> dict[str, Any]:
        owner = signup("owner", org=True)
        people = {"owner": owner}
        for role in ("admin", "member", "viewer"):
            person = signup(role)
            add_member(owner, person, role)
            people[role] = person
        for person in people.values():
            person.headers["X-Organization-Id"] = owner.org_id
        return people

    return make


@pytest.fixture
def outsider(signup):  # type: ignore[no-untyped-def]
    """A user of another organisation, sending their own organisation's header."""
    eve = signup("eve", org=True)
    eve.headers["X-Organization-Id"] = eve.org_id
    return eve


def new_workspace(caller: Any, name: str = "Research") -> dict[str, Any]:
    created = caller.call("POST", "/api/workspaces", {"name": name})
    assert created.status_code == 201, created.content
    return created.json()  # type: ignore[no-any-return]


def new_project(caller: Any, workspace_id: str, name: str = "Churn", **extra: Any) -> Any:
    created = caller.call(
        "POST", f"/api/workspaces/{workspace_id}/projects", {"name": name, **extra}
    )
    assert created.status_code == 201, created.content
    return created.json()
