"""Contract: DashboardReader (my recent and pinned workspaces and projects, and the counts)
and OrgDirectory."""

from __future__ import annotations

from dataclasses import replace

from domains.projects.model import Counts, Member, Project, Workspace
from domains.shared.ids import new_id

from .conftest import ProjectsBackend
from .factories import (
    NOW,
    at,
    join,
    member,
    members,
    new_project,
    new_workspace,
    project,
    stored_project,
    stored_workspace,
    workspace,
    write,
)


def _pin(projects: ProjectsBackend, m: Member, minutes: float) -> Member:
    pinned = replace(m, pinned_at=at(minutes=minutes))
    write(projects, lambda uow: members(uow, m.scope).save(pinned))
    return replace(pinned, version=m.version + 1)


def test_an_empty_dashboard(projects: ProjectsBackend) -> None:
    board = projects.dashboard.load(new_id(), new_id(), limit=10)
    assert (board.recent_workspaces, board.recent_projects) == ([], [])
    assert (board.pinned_workspaces, board.pinned_projects) == ([], [])
    assert board.counts == Counts()


def test_the_dashboard_pairs_my_memberships_with_what_they_name(projects: ProjectsBackend) -> None:
    org, me = new_id(), new_id()
    spaces = [new_workspace(projects, org) for _ in range(3)]
    mine_ws = [
        join(projects, member("workspace", org, ws.id, me, last_activity_at=at(minutes=i)))
        for i, ws in enumerate(spaces)
    ]
    made = [new_project(projects, spaces[0]) for _ in range(4)]
    made.append(new_project(projects, spaces[1]))
    mine_pr = [
        join(projects, member("project", org, p.id, me, last_activity_at=at(minutes=10 - i)))
        for i, p in enumerate(made[:4])
    ]
    join(projects, member("project", org, made[4].id))  # someone else's
    pinned_ws = _pin(projects, mine_ws[0], 1)
    pinned_pr = [_pin(projects, mine_pr[3], 1), _pin(projects, mine_pr[1], 2)]

    board = projects.dashboard.load(org, me, limit=3)

    def ws_pair(i: int, m: Member) -> tuple[Workspace, Member]:
        return stored_workspace(projects, spaces[i]), m

    def pr_pair(i: int, m: Member) -> tuple[Project, Member]:
        return stored_project(projects, made[i]), m

    assert board.recent_workspaces == [
        ws_pair(2, mine_ws[2]),
        ws_pair(1, mine_ws[1]),
        ws_pair(0, pinned_ws),
    ]
    assert board.recent_projects == [
        pr_pair(0, mine_pr[0]),
        pr_pair(1, pinned_pr[1]),
        pr_pair(2, mine_pr[2]),
    ]
    assert board.pinned_workspaces == [ws_pair(0, pinned_ws)]
    assert board.pinned_projects == [pr_pair(1, pinned_pr[1]), pr_pair(3, pinned_pr[0])]
    assert board.counts == Counts(workspaces=3, projects=5, my_workspaces=3, my_projects=4)


def test_memberships_of_a_deleted_resource_are_left_out(projects: ProjectsBackend) -> None:
    """A purge runs after the deletion: until it ends the memberships are there, unseen."""
    org, me = new_id(), new_id()
    ws = new_workspace(projects, org)
    kept, gone = new_project(projects, ws), new_project(projects, ws)
    join(projects, member("project", org, kept.id, me))
    doomed = _pin(projects, join(projects, member("project", org, gone.id, me)), 1)
    write(projects, lambda uow: uow.projects.remove(gone))
    board = projects.dashboard.load(org, me, limit=10)
    assert [p.id for p, _ in board.recent_projects] == [kept.id]
    assert board.pinned_projects == []
    assert board.counts.my_projects == 2  # until the purge
    with projects.uow() as uow:
        uow.project_members.purge(org, doomed.resource_id)
    assert projects.dashboard.load(org, me, limit=10).counts.my_projects == 1


def test_the_directory_knows_the_organisations_members(projects: ProjectsBackend) -> None:
    org, alice = new_id(), new_id()
    projects.join(org, alice)
    assert projects.directory.is_member(org, alice)
    assert not projects.directory.is_member(org, new_id())
    assert not projects.directory.is_member(new_id(), alice)


def test_a_long_dashboard_reads_more_than_one_batch_of_keys(projects: ProjectsBackend) -> None:
    """With a limit of 25, four lists of 25 name 100 resources, and the counts 3 items more:
    past BatchGetItem's 100 keys."""
    org, me = new_id(), new_id()
    ws = new_workspace(projects, org)
    spaces, made = [], []
    for i in range(50):
        space = workspace(org)
        p = project(org, ws.id)
        mine_ws = member("workspace", org, space.id, me, last_activity_at=at(minutes=i))
        mine_pr = member("project", org, p.id, me, last_activity_at=at(minutes=i))
        write(
            projects,
            lambda u, s=space, m=mine_ws: (
                u.workspaces.add(s),
                u.workspace_members.add(m, count=False),
            ),
        )
        write(
            projects,
            lambda u, p=p, m=mine_pr: (u.projects.add(p), u.project_members.add(m, count=False)),
        )
        spaces.append((space, replace(mine_ws, version=1)))
        made.append((p, replace(mine_pr, version=1)))
    # the 25 least recent are the pinned ones: no key is asked for twice
    write(
        projects,
        *(
            lambda u, m=m: u.workspace_members.save(replace(m, pinned_at=NOW))
            for _, m in spaces[:25]
        ),
    )
    write(
        projects,
        *(lambda u, m=m: u.project_members.save(replace(m, pinned_at=NOW)) for _, m in made[:25]),
    )
    board = projects.dashboard.load(org, me, limit=25)
    assert [w.id for w, _ in board.recent_workspaces] == [s.id for s, _ in reversed(spaces[25:])]
    assert [p.id for p, _ in board.recent_projects] == [p.id for p, _ in reversed(made[25:])]
    assert {w.id for w, _ in board.pinned_workspaces} == {s.id for s, _ in spaces[:25]}
    assert {p.id for p, _ in board.pinned_projects} == {p.id for p, _ in made[:25]}
    assert board.counts == Counts(workspaces=51, projects=0, my_workspaces=50, my_projects=50)
