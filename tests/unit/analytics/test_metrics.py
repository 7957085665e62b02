"""The metric calculators on feed entries: exact counts, distinct actors, and combining hours
into days (and periods into totals) without counting anything twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from domains.analytics.metrics import (
    PROJECTS,
    ActiveUsers,
    EventsByType,
    MetricRegistry,
    summed,
)
from domains.analytics.model import ActivityEntry, entry_from
from domains.analytics.rollups import Measure
from domains.shared.ids import new_id
from tests.fakes.analytics import domain_event

ORG = new_id()
ADA, BOB, KEY = new_id(), new_id(), f"apikey:{new_id()}"


def _entry(name: str, actor: str = ADA) -> ActivityEntry:
    event = domain_event(name, org_id=ORG, actor_id=actor, resource=("project", new_id()))
    entry = entry_from(event)
    assert entry is not None
    return entry


def test_active_users_are_distinct_actors_and_combine_by_union():  # type: ignore[no-untyped-def]
    metric = ActiveUsers()
    ten = metric.compute([_entry("ProjectCreated"), _entry("ProjectUpdated"), _entry("X", BOB)])
    eleven = metric.compute([_entry("ProjectUpdated", BOB), _entry("MemberAdded", KEY)])
    assert ten == Measure({"count": 2}, frozenset({ADA, BOB}))
    assert eleven.values == {"count": 2}
    assert metric.combine([ten, eleven]) == Measure({"count": 3}, frozenset({ADA, BOB, KEY}))
    assert metric.combine([]) == Measure({"count": 0})


def test_events_by_type_count_each_type_and_add_up():  # type: ignore[no-untyped-def]
    metric = EventsByType()
    one = metric.compute([_entry("ProjectCreated"), _entry("ProjectCreated"), _entry("A")])
    two = metric.compute([_entry("ProjectCreated"), _entry("MemberAdded")])
    assert one.values == {"A": 1, "ProjectCreated": 2}
    assert metric.combine([one, two]).values == {"A": 1, "MemberAdded": 1, "ProjectCreated": 3}
    assert metric.combine([]).values == {}


def test_projects_counts_creations_and_member_changes():  # type: ignore[no-untyped-def]
    names = ["ProjectCreated", "ProjectCreated", "WorkspaceCreated", "ProjectUpdated"]
    names += ["MemberAdded", "MemberRoleChanged", "MemberRemoved", "MemberLeft"]
    hour = PROJECTS.compute([_entry(name) for name in names])
    assert hour.values == {"projects_created": 2, "workspaces_created": 1, "member_changes": 4}
    quiet = PROJECTS.combine([])
    assert quiet.values == {"member_changes": 0, "projects_created": 0, "workspaces_created": 0}
    assert PROJECTS.combine([hour, hour]).values["member_changes"] == 8


@dataclass(frozen=True)
class Executions:
    """A later context's metric, as it would plug in: success rate of finished executions."""

    name: str = "executions"

    def compute(self, entries: Sequence[ActivityEntry]) -> Measure:
        finished = [e for e in entries if e.type in {"ExecutionSucceeded", "ExecutionFailed"}]
        ok = sum(e.type == "ExecutionSucceeded" for e in finished)
        return Measure({"finished": len(finished), "succeeded": ok})

    def combine(self, measures: Sequence[Measure]) -> Measure:
        total = summed([Measure({"finished": 0, "succeeded": 0}), *measures]).values
        rate = total["succeeded"] / total["finished"] if total["finished"] else 0.0
        return Measure({**total, "success_rate": rate})


def test_a_later_context_plugs_its_calculator_into_the_registry():  # type: ignore[no-untyped-def]
    registry = MetricRegistry()
    assert [m.name for m in registry] == [
        "active_users",
        "events_by_type",
        "projects",
        "template_adoption",
        "run_completion",
        "error_patterns",
    ]
    registry.register(Executions())
    assert len(registry) == 7
    runs = ["ExecutionSucceeded", "ExecutionSucceeded", "ExecutionFailed", "ProjectCreated"]
    metric = list(registry)[-1]
    hour = metric.compute([_entry(name) for name in runs])
    day = metric.combine([hour, metric.compute([_entry("ExecutionSucceeded")])])
    assert day.values == {"finished": 4, "succeeded": 3, "success_rate": 0.75}


def test_the_registry_refuses_bad_and_duplicate_names():  # type: ignore[no-untyped-def]
    registry = MetricRegistry([])
    registry.register(ActiveUsers())
    with pytest.raises(ValueError, match="registered already"):
        registry.register(ActiveUsers())
    with pytest.raises(ValueError, match="a-z"):
        registry.register(ActiveUsers(name="Active-Users"))


def test_a_measure_is_empty_without_counts_or_ids():  # type: ignore[no-untyped-def]
    assert Measure({"a": 0}).empty and not Measure({"a": 1}).empty
    assert not Measure({}, frozenset({ADA})).empty
