"""The metric calculators roll-ups are made of, and the registry that lists them.

A calculator turns one hour's feed entries into a `Measure` (`compute`) and combines
measures into one (`combine`: a day from its hours, a dashboard's total from its periods),
exactly: counts add up, distinct counts unite their ids. A context that publishes events
adds its metric with a few lines: an `EventCounts` of its event types, or a calculator of its
own (say, execution success rate and latency percentiles: keep the counts and a latency
histogram in the measure's values, so hours combine exactly), listed in `METRICS`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from domains.analytics.execution import EXECUTION_METRICS, RunFact
from domains.analytics.lab_metrics import LAB_METRICS
from domains.analytics.model import ActivityEntry
from domains.analytics.rollups import Measure, entry_time

METRIC_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class MetricCalculator(Protocol):
    """One metric of the dashboard: `name` keys its roll-ups (`[a-z][a-z0-9_]*`)."""

    @property
    def name(self) -> str: ...

    def compute(self, entries: Sequence[ActivityEntry]) -> Measure:
        """The measure of one hour's entries (any order)."""

    def combine(self, measures: Sequence[Measure]) -> Measure:
        """Many periods' measures as one; `combine([])` is the measure of a quiet period."""


class RunMetricCalculator(Protocol):
    """A metric of agent runs: `compute` takes the runs started in one hour (any order)."""

    @property
    def name(self) -> str: ...

    def compute(self, runs: Sequence[RunFact]) -> Measure: ...

    def combine(self, measures: Sequence[Measure]) -> Measure: ...


def summed(measures: Sequence[Measure]) -> Measure:
    """Measures that only count: each value added up."""
    total: Counter[str] = Counter()
    for measure in measures:
        total.update(measure.values)
    return Measure(dict(sorted(total.items())))


@dataclass(frozen=True)
class ActiveUsers:
    """Distinct actors (users, and API keys as `apikey:<id>`) who did anything."""

    name: str = "active_users"

    def compute(self, entries: Sequence[ActivityEntry]) -> Measure:
        return _distinct({entry.actor_id for entry in entries})

    def combine(self, measures: Sequence[Measure]) -> Measure:
        return _distinct(frozenset().union(*(m.distinct for m in measures)))


def _distinct(actors: set[str] | frozenset[str]) -> Measure:
    return Measure({"count": len(actors)}, frozenset(actors))


@dataclass(frozen=True)
class EventsByType:
    """How many events of each type (`ProjectCreated`: 3)."""

    name: str = "events_by_type"

    def compute(self, entries: Sequence[ActivityEntry]) -> Measure:
        return Measure(dict(sorted(Counter(entry.type for entry in entries).items())))

    def combine(self, measures: Sequence[Measure]) -> Measure:
        return summed(measures)


@dataclass(frozen=True)
class EventCounts:
    """Named counts of event types: each value counts the entries whose type it lists."""

    name: str
    counts: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def compute(self, entries: Sequence[ActivityEntry]) -> Measure:
        types = Counter(entry.type for entry in entries)
        return Measure(
            {value: sum(types[t] for t in kinds) for value, kinds in self.counts.items()}
        )

    def combine(self, measures: Sequence[Measure]) -> Measure:
        zero = Measure(dict.fromkeys(self.counts, 0))
        return summed([zero, *measures])


PROJECTS = EventCounts(
    "projects",
    {
        "projects_created": frozenset({"ProjectCreated"}),
        "workspaces_created": frozenset({"WorkspaceCreated"}),
        "member_changes": frozenset(
            {"MemberAdded", "MemberRemoved", "MemberLeft", "MemberRoleChanged"}
        ),
    },
)

# -- template adoption --------------------------------------------------------------------------

JOIN_EVENTS = frozenset({"MemberJoined"})
TEMPLATE_EVENTS = frozenset({"TemplateCreated", "TemplateUsed"})
ADOPTION_HOURS = 30 * 24
API_KEY_ACTOR = "apikey:"


Marks = tuple[int | None, int | None, int | None]  # hours of: first join, first action, first after


def _hour_index(moment: datetime) -> int:
    return int(moment.timestamp()) // 3600


def _joiner(entry: ActivityEntry) -> str:
    """Who joined: the member the event names, else its actor (a user joins by themselves)."""
    return entry.resource_id if entry.resource_type == "member" else entry.actor_id


@dataclass(frozen=True)
class TemplateAdoption:
    """The share of the users who joined the organisation in a window that created or used a
    template within 30 days of joining.

    - A join is a `MemberJoined` event (the member it names, or its actor): the identity
      context publishes it when a user accepts an invitation (an organisation's creator is
      its first member, not a joiner, and is never counted). A user's join in the window is
      their first one in it. The users who joined are `joined`.
    - Adoption is a `TemplateCreated` or `TemplateUsed` event whose actor is that user (API
      keys, `apikey:<id>`, are no users and never adopt), made in the window, at or after the
      join's hour and less than 720 hours (30 days) after it, both counted in whole hours
      (the hours of the events' ids). The joiners who adopted are `adopted`; `share` is
      adopted / joined (0 when nobody joined), to 4 decimals.
    - So it is a cohort measure read within the window: a user who joined in the window's
      last 30 days has had less than 30 days in it to adopt (read a window ending 30 days
      after a cohort's last join for its full share); template use before the window or by
      users who joined before it is not counted.

    To combine exactly, a measure keeps per user (in `distinct`) the hour of their first join
    `j:<user>:<hour>`, of their first template action `t:<user>:<hour>`, and of their first
    template action at or after that join `a:<user>:<hour>`. Measures of disjoint periods
    (hours into days, days into windows) combine into the same markers as if computed over
    the whole span: J = the least join; the first action at or after J is the least of each
    period's `a` with that same join and of each period's `t` at or after J (a period whose
    `t` is before J holds no action after J, unless it holds J itself).
    """

    name: str = "template_adoption"

    def compute(self, entries: Sequence[ActivityEntry]) -> Measure:
        joins: dict[str, int] = {}
        actions: dict[str, list[int]] = {}
        for entry in entries:
            hour = _hour_index(entry_time(entry))
            if entry.type in JOIN_EVENTS:
                user = _joiner(entry)
                joins[user] = min(joins.get(user, hour), hour)
            elif entry.type in TEMPLATE_EVENTS and not entry.actor_id.startswith(API_KEY_ACTOR):
                actions.setdefault(entry.actor_id, []).append(hour)
        markers: dict[str, Marks] = {}
        for user in joins.keys() | actions.keys():
            join, hours = joins.get(user), actions.get(user, [])
            after = [h for h in hours if join is not None and h >= join]
            markers[user] = (join, min(hours, default=None), min(after, default=None))
        return _adoption(markers)

    def combine(self, measures: Sequence[Measure]) -> Measure:
        parts: dict[str, list[Marks]] = {}
        for measure in measures:
            for user, mark in _markers(measure).items():
                parts.setdefault(user, []).append(mark)
        merged: dict[str, Marks] = {}
        for user, marks in parts.items():
            join = min((j for j, _, _ in marks if j is not None), default=None)
            first = min((t for _, t, _ in marks if t is not None), default=None)
            after = None
            if join is not None:
                candidates = [a for j, _, a in marks if j == join and a is not None]
                candidates += [t for _, t, _ in marks if t is not None and t >= join]
                after = min(candidates, default=None)
            merged[user] = (join, first, after)
        return _adoption(merged)


def _markers(measure: Measure) -> dict[str, Marks]:
    found: dict[str, list[int | None]] = {}
    for marker in measure.distinct:
        kind, rest = marker.split(":", 1)
        user, hour = rest.rsplit(":", 1)
        slot = {"j": 0, "t": 1, "a": 2}[kind]
        found.setdefault(user, [None, None, None])[slot] = int(hour)
    return {user: (m[0], m[1], m[2]) for user, m in found.items()}


def _adoption(markers: Mapping[str, Marks]) -> Measure:
    distinct: set[str] = set()
    joined = adopted = 0
    for user, (join, first, after) in markers.items():
        for kind, hour in (("j", join), ("t", first), ("a", after)):
            if hour is not None:
                distinct.add(f"{kind}:{user}:{hour}")
        if join is not None:
            joined += 1
            adopted += after is not None and after - join < ADOPTION_HOURS
    share = round(adopted / joined, 4) if joined else 0
    return Measure({"joined": joined, "adopted": adopted, "share": share}, frozenset(distinct))


# The dashboard's metrics, in the order it answers them: a new context adds its line here.
METRICS: tuple[MetricCalculator, ...] = (
    ActiveUsers(),
    EventsByType(),
    PROJECTS,
    TemplateAdoption(),
    *LAB_METRICS,  # run_completion, error_patterns
)

# The metrics of agent runs (hours computed from the runs started in them), read by
# GET /api/analytics/execution, not by the dashboard.
RUN_METRICS: tuple[RunMetricCalculator, ...] = EXECUTION_METRICS


class Named(Protocol):
    @property
    def name(self) -> str: ...


C = TypeVar("C", bound=Named)


class Registry(Generic[C]):
    """Calculators by name (unique, `[a-z][a-z0-9_]*`), in the order given."""

    def __init__(self, calculators: Sequence[C]) -> None:
        self._by_name: dict[str, C] = {}
        for calculator in calculators:
            self.register(calculator)

    def register(self, calculator: C) -> None:
        if not METRIC_NAME_RE.match(calculator.name):
            raise ValueError(f"metric name {calculator.name!r}: 1-40 of a-z 0-9 _")
        if calculator.name in self._by_name:
            raise ValueError(f"metric {calculator.name!r} is registered already")
        self._by_name[calculator.name] = calculator

    def __iter__(self) -> Iterator[C]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def get(self, name: str) -> C:
        return self._by_name[name]


class MetricRegistry(Registry[MetricCalculator]):
    """The calculators of the feed that roll-ups compute and the dashboard reads."""

    def __init__(self, calculators: Sequence[MetricCalculator] = METRICS) -> None:
        super().__init__(calculators)


class RunMetricRegistry(Registry[RunMetricCalculator]):
    """The calculators of agent runs that roll-ups compute and the execution report reads."""

    def __init__(self, calculators: Sequence[RunMetricCalculator] = RUN_METRICS) -> None:
        super().__init__(calculators)
