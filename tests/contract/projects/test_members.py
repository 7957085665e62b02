"""Contract: MemberRepository of both scopes (lists by user, activity and pin, counters kept
with ADD, versioned saves, touch outside transactions, purge)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.projects.model import Member
from domains.projects.ports import ProjectsUnitOfWork
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

from .conftest import ProjectsBackend
from .factories import (
    at,
    every_page,
    join,
    member,
    members,
    new_project,
    new_workspace,
    read,
    write,
)

SCOPES = ["workspace", "project"]


def _resource(projects: ProjectsBackend, scope: str, org_id: str) -> str:
    ws = new_workspace(projects, org_id)
    return ws.id if scope == "workspace" else new_project(projects, ws).id


def _member_count(projects: ProjectsBackend, scope: str, org_id: str, resource_id: str) -> int:
    def get(uow: ProjectsUnitOfWork) -> int:
        repo = uow.workspaces if scope == "workspace" else uow.projects
        found = repo.get(org_id, resource_id)
        assert found is not None
        return found.member_count

    return read(projects, get)


def _my_count(projects: ProjectsBackend, scope: str, org_id: str, user_id: str) -> int:
    counts = projects.dashboard.load(org_id, user_id, limit=1).counts
    return counts.my_workspaces if scope == "workspace" else counts.my_projects


def _get(projects: ProjectsBackend, m: Member) -> Member | None:
    return read(projects, lambda uow: members(uow, m.scope).get(m.org_id, m.resource_id, m.user_id))


def _all(projects: ProjectsBackend, scope: str, list_name: str, org_id: str, user_id: str) -> list:  # type: ignore[type-arg]
    pages = every_page(
        lambda p: read(
            projects, lambda uow: getattr(members(uow, scope), list_name)(org_id, user_id, p)
        ),
        2,
    )
    return [m for page in pages for m in page]


@pytest.mark.parametrize("scope", SCOPES)
def test_adding_a_member_counts_them_twice(projects: ProjectsBackend, scope: str) -> None:
    org = new_id()
    resource = _resource(projects, scope, org)
    alice = join(projects, member(scope, org, resource, role="admin"))
    assert _get(projects, alice) == alice
    assert _member_count(projects, scope, org, resource) == 1
    assert _my_count(projects, scope, org, alice.user_id) == 1
    with projects.uow() as uow:
        members(uow, scope).add(replace(alice, role="viewer", version=0))
        with pytest.raises(Conflict):
            uow.commit()
    assert _get(projects, alice) == alice
    assert _member_count(projects, scope, org, resource) == 1


@pytest.mark.parametrize("scope", SCOPES)
def test_count_false_leaves_the_resource_count_alone(projects: ProjectsBackend, scope: str) -> None:
    org = new_id()
    resource = _resource(projects, scope, org)
    m = member(scope, org, resource)
    write(projects, lambda uow: members(uow, scope).add(m, count=False))
    assert _member_count(projects, scope, org, resource) == 0
    assert _my_count(projects, scope, org, m.user_id) == 1


@pytest.mark.parametrize("scope", SCOPES)
def test_adding_to_a_missing_resource_conflicts(projects: ProjectsBackend, scope: str) -> None:
    m = member(scope, new_id(), new_id())
    with projects.uow() as uow:
        members(uow, scope).add(m)
        with pytest.raises(Conflict):
            uow.commit()
    assert _get(projects, m) is None
    assert _my_count(projects, scope, m.org_id, m.user_id) == 0


@pytest.mark.parametrize("scope", SCOPES)
def test_list_members_pages_by_user_id(projects: ProjectsBackend, scope: str) -> None:
    org = new_id()
    resource, other = _resource(projects, scope, org), _resource(projects, scope, org)
    joined = [join(projects, member(scope, org, resource)) for _ in range(5)]
    join(projects, member(scope, org, other))
    pages = every_page(
        lambda p: read(projects, lambda uow: members(uow, scope).list_members(org, resource, p)),
        2,
    )
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [m for page in pages for m in page] == sorted(joined, key=lambda m: m.user_id)


@pytest.mark.parametrize("scope", SCOPES)
def test_list_for_user_pages_by_recent_activity(projects: ProjectsBackend, scope: str) -> None:
    org, user = new_id(), new_id()
    mine = [
        join(
            projects,
            member(
                scope, org, _resource(projects, scope, org), user, last_activity_at=at(minutes=m)
            ),
        )
        for m in (2, 5, 1, 4, 3)
    ]
    join(projects, member(scope, org, mine[0].resource_id))  # someone else's
    elsewhere = new_id()  # the user's membership in another organisation
    join(projects, member(scope, elsewhere, _resource(projects, scope, elsewhere), user))
    assert _all(projects, scope, "list_for_user", org, user) == sorted(
        mine, key=lambda m: m.last_activity_at, reverse=True
    )


@pytest.mark.parametrize("scope", SCOPES)
def test_touch_reorders_activity_without_a_new_version(
    projects: ProjectsBackend, scope: str
) -> None:
    org, user = new_id(), new_id()
    old, recent = (
        join(
            projects,
            member(
                scope, org, _resource(projects, scope, org), user, last_activity_at=at(minutes=m)
            ),
        )
        for m in (1, 2)
    )
    with projects.uow() as uow:  # at once: nothing to commit
        members(uow, scope).touch(old, at(minutes=3))
    touched = replace(old, last_activity_at=at(minutes=3))
    assert _get(projects, old) == touched
    assert _all(projects, scope, "list_for_user", org, user) == [touched, recent]
    write(projects, lambda uow: members(uow, scope).save(replace(old, role="admin")))
    saved = _get(projects, old)
    assert saved == replace(touched, role="admin", version=2)  # a save keeps the activity


@pytest.mark.parametrize("scope", SCOPES)
def test_touch_of_a_removed_member_does_nothing(projects: ProjectsBackend, scope: str) -> None:
    gone = member(scope, new_id(), new_id())
    with projects.uow() as uow:
        members(uow, scope).touch(gone, at(minutes=1))
    assert _get(projects, gone) is None
    assert _all(projects, scope, "list_for_user", gone.org_id, gone.user_id) == []


@pytest.mark.parametrize("scope", SCOPES)
def test_list_pinned_holds_the_pinned_only_newest_pin_first(
    projects: ProjectsBackend, scope: str
) -> None:
    org, user = new_id(), new_id()
    mine = [
        join(projects, member(scope, org, _resource(projects, scope, org), user)) for _ in range(4)
    ]
    pins = {0: 3, 1: None, 2: 1, 3: 2}
    for i, minute in pins.items():
        if minute is not None:
            pinned = replace(mine[i], pinned_at=at(minutes=minute))
            write(projects, lambda uow, m=pinned: members(uow, scope).save(m))
    listed = _all(projects, scope, "list_pinned", org, user)
    assert [m.resource_id for m in listed] == [mine[i].resource_id for i in (0, 3, 2)]
    assert all(m.version == 2 for m in listed)
    unpinned = replace(listed[0], pinned_at=None)
    write(projects, lambda uow: members(uow, scope).save(unpinned))
    assert [m.resource_id for m in _all(projects, scope, "list_pinned", org, user)] == [
        mine[3].resource_id,
        mine[2].resource_id,
    ]
    assert _get(projects, unpinned) == replace(unpinned, version=3)


@pytest.mark.parametrize("scope", SCOPES)
def test_save_and_remove_over_a_stale_version_fail(projects: ProjectsBackend, scope: str) -> None:
    org = new_id()
    m = join(projects, member(scope, org, _resource(projects, scope, org)))
    write(projects, lambda uow: members(uow, scope).save(replace(m, role="admin")))
    for stale in (
        lambda uow: members(uow, scope).save(m),
        lambda uow: members(uow, scope).remove(m),
    ):
        with projects.uow() as uow:
            stale(uow)
            with pytest.raises(PreconditionFailed):
                uow.commit()
    assert _get(projects, m) == replace(m, role="admin", version=2)
    assert _member_count(projects, scope, org, m.resource_id) == 1


@pytest.mark.parametrize("scope", SCOPES)
def test_remove_uncounts_both(projects: ProjectsBackend, scope: str) -> None:
    org = new_id()
    resource = _resource(projects, scope, org)
    m, kept = (join(projects, member(scope, org, resource)) for _ in range(2))
    write(projects, lambda uow: members(uow, scope).remove(m))
    assert _get(projects, m) is None
    assert _member_count(projects, scope, org, resource) == 1
    assert _my_count(projects, scope, org, m.user_id) == 0
    assert _get(projects, kept) == kept


@pytest.mark.parametrize("scope", SCOPES)
def test_purge_deletes_every_membership_past_one_chunk(
    projects: ProjectsBackend, scope: str
) -> None:
    org = new_id()
    resource, kept_resource = _resource(projects, scope, org), _resource(projects, scope, org)
    doomed = [member(scope, org, resource) for _ in range(50)]
    for start in (0, 25):  # 25 memberships and their 25 user counts a transaction
        write(
            projects,
            *(
                lambda uow, m=m: members(uow, scope).add(m, count=False)
                for m in doomed[start : start + 25]
            ),
        )
    stays = join(projects, member(scope, org, kept_resource, doomed[0].user_id))
    with projects.uow() as uow:  # at once: purges commit transactions of their own
        members(uow, scope).purge(org, resource)
    listed = read(
        projects, lambda uow: members(uow, scope).list_members(org, resource, PageRequest())
    )
    assert list(listed.items) == []
    assert _my_count(projects, scope, org, doomed[0].user_id) == 1
    assert _my_count(projects, scope, org, doomed[1].user_id) == 0
    assert _all(projects, scope, "list_for_user", org, doomed[0].user_id) == [stays]
    with projects.uow() as uow:  # a second purge finds nothing to do
        members(uow, scope).purge(org, resource)
