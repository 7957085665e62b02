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
from typing import Protocol

from domains.analytics.model import ActivityEntry
from domains.analytics.rollups import Measure

METRIC_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class MetricCalculator(Protocol):
    """One metric of the dashboard: `name` keys its roll-ups (`[a-z][a-z0-9_]*`)."""

    @property
    def name(self) -> str: ...

    def compute(self, entries: Sequence[ActivityEntry]) -> Measure:
        """The measure of one hour's entries (any order)."""

    def combine(self, measures: Sequence[Measure]) -> Measure:
        """Many periods' measures as one; `combine([])` is the measure of a quiet period."""


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

# The dashboard's metrics, in the order it answers them: a new context adds its line here.
METRICS: tuple[MetricCalculator, ...] = (ActiveUsers(), EventsByType(), PROJECTS)


class MetricRegistry:
    """The calculators roll-ups compute and the dashboard reads, by name."""

    def __init__(self, calculators: Sequence[MetricCalculator] = METRICS) -> None:
        self._by_name: dict[str, MetricCalculator] = {}
        for calculator in calculators:
            self.register(calculator)

    def register(self, calculator: MetricCalculator) -> None:
        if not METRIC_NAME_RE.match(calculator.name):
            raise ValueError(f"metric name {calculator.name!r}: 1-40 of a-z 0-9 _")
        if calculator.name in self._by_name:
            raise ValueError(f"metric {calculator.name!r} is registered already")
        self._by_name[calculator.name] = calculator

    def __iter__(self) -> Iterator[MetricCalculator]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)
