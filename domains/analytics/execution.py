"""Execution analytics: agent runs rolled up per organisation-hour, combined exactly into days
and windows.

A run belongs to the hour of its `started_at` (a run logged late still counts in its hour).
Every measure is made of numbers that add up, so hours combine into days and periods into a
window's total exactly:

- counts: `runs`, `succeeded`, `failed` (any other status counts in `runs` only), `timed`
  (runs with a duration);
- sums: `duration_ms`, `tokens_in`, `tokens_out`, `cost_picos` (cost in integer units of
  1e-12 of its currency, never floats: exact for the runs' costs, which carry at most 12
  decimals; a finer one would be rounded half-even);
- a latency histogram of fixed log-spaced buckets (`lat:<k>`: how many durations fell in
  bucket k). Bucket 0 holds 0 and 1 ms; bucket k >= 1 holds (GAMMA**(k-1), GAMMA**k] ms and
  is reported as 2*GAMMA**k/(GAMMA+1), within (GAMMA-1)/(GAMMA+1) of any duration in it:
  at most 4.77% off with GAMMA = 1.1. Durations beyond GAMMA**MAX_BUCKET ms (~11.5 days)
  share the last bucket. A percentile is read from the combined histogram: the bucket
  holding the nearest-rank value (rank ceil(q*n)), with its bounds, so the exact percentile
  of the runs always lies in the reported bounds.

Four metrics are rolled up: `execution` (the organisation's totals, fine histogram) and one
per breakdown, `execution_agents` (by agent id), `execution_users` (by the run's user) and
`execution_versions` (by agent id and version, `<agent_id>/<version>`). A breakdown keeps,
for each key, the same counts and sums and a coarser histogram (every BREAKDOWN_STEP fine
buckets as one: at most 18.8% off), and at most MAX_KEYS keys per item: beyond that, the keys
with the fewest runs (then the greatest) fold into `~other`, whose numbers are the exact sums
of the keys folded in (so a breakdown's rows always add up to the totals). A breakdown item
numbers its keys (`<n>|runs`, `<n>|lat:<j>`) and names each once in `distinct` (`<n>=<key>`),
so it holds at most MAX_KEYS * (8 + MAX_BUCKET / BREAKDOWN_STEP + 1) short numbers and
MAX_KEYS labels: about 111 KB at worst, well under DynamoDB's 400 KB (tested).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from domains.analytics.rollups import Measure, Number

SUCCEEDED = "succeeded"
FAILED = "failed"

GAMMA = 1.1
MAX_BUCKET = 218  # GAMMA**218 ms is about 11.5 days
BOUNDS = [GAMMA**k for k in range(MAX_BUCKET + 1)]  # bucket k's upper bound (ms)
FINE_ERROR = (GAMMA - 1) / (GAMMA + 1)
BREAKDOWN_STEP = 4
BREAKDOWN_ERROR = (GAMMA**BREAKDOWN_STEP - 1) / (GAMMA**BREAKDOWN_STEP + 1)
MAX_KEYS = 100
OTHER = "~other"
PICO = Decimal("0.000000000001")

EXECUTION = "execution"
BY_AGENT = "execution_agents"
BY_USER = "execution_users"
BY_VERSION = "execution_versions"
COUNTS = ("runs", "succeeded", "failed", "timed", "duration_ms", "tokens_in", "tokens_out")
LATENCY = "lat:"
SEPARATOR = "|"
LABEL = "="


@dataclass(frozen=True)
class RunFact:
    """What roll-ups need of one agent run (read from the runs' table by the RunWindow port)."""

    run_id: str
    agent_id: str
    user_id: str
    version: str
    status: str
    started_at: datetime
    duration_ms: int | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost: Decimal = Decimal(0)
    model: str = ""


def cost_picos(cost: Decimal) -> int:
    """The cost in integer units of 1e-12 (half-even past the twelfth decimal)."""
    return int((cost / PICO).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def picos_text(picos: int) -> str:
    """Units of 1e-12 as plain decimal text, trailing zeros dropped (`0.0042`, `0`)."""
    text = format((Decimal(picos) * PICO).normalize(), "f")
    return text if text != "-0" else "0"


# -- the latency histogram ---------------------------------------------------------------------


def fine_bucket(duration_ms: float) -> int:
    """The fine bucket of a duration: 0 for <= 1 ms, else k with GAMMA**(k-1) < d <= GAMMA**k."""
    return min(bisect_left(BOUNDS, duration_ms), MAX_BUCKET)


def coarse_bucket(fine: int) -> int:
    """A breakdown's bucket: BREAKDOWN_STEP fine buckets as one (0 stays 0)."""
    return math.ceil(fine / BREAKDOWN_STEP)


@dataclass(frozen=True)
class Percentile:
    """A percentile read from a histogram: the bucket's reported value and its bounds (the
    exact value lies in (low, high]; in [0, 1] for the first bucket)."""

    value: float
    low: float
    high: float


def _bucket_bounds(bucket: int, step: int) -> tuple[float, float]:
    if bucket == 0:
        return 0.0, 1.0
    high = BOUNDS[min(bucket * step, MAX_BUCKET)]
    low = BOUNDS[(bucket - 1) * step]
    return low, (math.inf if bucket * step >= MAX_BUCKET else high)


def percentile(histogram: Mapping[int, int], q: float, *, step: int = 1) -> Percentile | None:
    """The nearest-rank `q` quantile (0 < q <= 1) of a histogram of buckets of `step` fine
    buckets each; None for an empty one."""
    count = sum(histogram.values())
    if count == 0:
        return None
    rank, seen = max(1, math.ceil(q * count)), 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            low, high = _bucket_bounds(bucket, step)
            if bucket == 0:
                return Percentile(1.0, low, high)
            gamma = GAMMA**step
            top = BOUNDS[min(bucket * step, MAX_BUCKET)]
            return Percentile(round(2 * top / (gamma + 1), 3), low, high)
    raise AssertionError("unreachable: the ranks add up to the count")


# -- one group of runs: counts, sums and a histogram -------------------------------------------


@dataclass
class RunStats:
    """The numbers of a group of runs (a period's, an agent's...): they add up exactly."""

    counts: Counter[str]
    latency: Counter[int]  # bucket -> runs

    @classmethod
    def empty(cls) -> RunStats:
        return cls(Counter(), Counter())

    def add_run(self, run: RunFact, *, coarse: bool) -> None:
        counts = self.counts
        counts["runs"] += 1
        counts["succeeded"] += run.status == SUCCEEDED
        counts["failed"] += run.status == FAILED
        counts["tokens_in"] += run.tokens_in
        counts["tokens_out"] += run.tokens_out
        counts["cost_picos"] += cost_picos(run.cost)
        if run.duration_ms is not None:
            counts["timed"] += 1
            counts["duration_ms"] += run.duration_ms
            bucket = fine_bucket(run.duration_ms)
            self.latency[coarse_bucket(bucket) if coarse else bucket] += 1

    def add(self, other: RunStats) -> None:
        self.counts.update(other.counts)
        self.latency.update(other.latency)

    def value(self, name: str) -> int:
        return self.counts.get(name, 0)

    def values(self, prefix: str = "") -> dict[str, Number]:
        found: dict[str, Number] = {f"{prefix}{n}": v for n, v in sorted(self.counts.items()) if v}
        found.update({f"{prefix}{LATENCY}{b}": n for b, n in sorted(self.latency.items()) if n})
        return found


def _stats_of(values: Mapping[str, Number]) -> RunStats:
    stats = RunStats.empty()
    for name, value in values.items():
        if name.startswith(LATENCY):
            stats.latency[int(name.removeprefix(LATENCY))] += int(value)
        else:
            stats.counts[name] += int(value)
    return stats


def stats_of(measure: Measure) -> RunStats:
    """A totals measure's numbers."""
    return _stats_of(measure.values)


def groups_of(measure: Measure) -> dict[str, RunStats]:
    """A breakdown measure's numbers by key (its values are named `<n>|<number>`, and its
    `distinct` labels say which key each `<n>` stands for: `<n>=<key>`)."""
    labels = dict(label.split(LABEL, 1) for label in measure.distinct)
    by_key: dict[str, dict[str, Number]] = defaultdict(dict)
    for name, value in measure.values.items():
        index, _, field = name.partition(SEPARATOR)
        by_key[labels[index]][field] = value
    return {key: _stats_of(values) for key, values in by_key.items()}


# -- the calculators ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExecutionTotals:
    """The organisation's runs: counts, sums and the fine latency histogram."""

    name: str = EXECUTION

    def compute(self, runs: Sequence[RunFact]) -> Measure:
        stats = RunStats.empty()
        for run in runs:
            stats.add_run(run, coarse=False)
        return Measure(stats.values())

    def combine(self, measures: Sequence[Measure]) -> Measure:
        total = RunStats.empty()
        for measure in measures:
            total.add(stats_of(measure))
        return Measure(total.values())


def _key_text(value: str) -> str:
    return value.replace(SEPARATOR, "/")


def agent_key(run: RunFact) -> str:
    return _key_text(run.agent_id)


def user_key(run: RunFact) -> str:
    return _key_text(run.user_id)


def version_key(run: RunFact) -> str:
    return f"{_key_text(run.agent_id)}/{_key_text(run.version)}"


def capped(groups: Mapping[str, RunStats], limit: int = MAX_KEYS) -> dict[str, RunStats]:
    """At most `limit` keys: the keys with the most runs (then the least key) stay, the rest
    (and any `~other` already there) add up into `~other`."""
    ranked = sorted(
        (key for key in groups if key != OTHER), key=lambda k: (-groups[k].value("runs"), k)
    )
    if len(ranked) + (OTHER in groups) <= limit:
        return dict(groups)
    kept = {key: groups[key] for key in ranked[: limit - 1]}
    other = RunStats.empty()
    for key in ranked[limit - 1 :] + ([OTHER] if OTHER in groups else []):
        other.add(groups[key])
    return kept | {OTHER: other}


def breakdown_measure(groups: Mapping[str, RunStats]) -> Measure:
    """Keys numbered in order (`0`, `1`...): each key's text is stored once, as a label."""
    values: dict[str, Number] = {}
    labels = set()
    for index, key in enumerate(sorted(groups)):
        values.update(groups[key].values(f"{index}{SEPARATOR}"))
        labels.add(f"{index}{LABEL}{key}")
    return Measure(values, frozenset(labels))


@dataclass(frozen=True)
class ExecutionBreakdown:
    """The runs by a key of the run (agent, user, version): per key the same counts and sums
    and a coarse histogram, at most MAX_KEYS keys (the rest in `~other`)."""

    name: str
    key_of: Callable[[RunFact], str]

    def compute(self, runs: Sequence[RunFact]) -> Measure:
        groups: dict[str, RunStats] = defaultdict(lambda: RunStats.empty())
        for run in runs:
            groups[self.key_of(run)].add_run(run, coarse=True)
        return breakdown_measure(capped(groups))

    def combine(self, measures: Sequence[Measure]) -> Measure:
        return breakdown_measure(capped(combined_groups(measures)))


def combined_groups(measures: Iterable[Measure]) -> dict[str, RunStats]:
    groups: dict[str, RunStats] = defaultdict(lambda: RunStats.empty())
    for measure in measures:
        for key, stats in groups_of(measure).items():
            groups[key].add(stats)
    return dict(groups)


EXECUTION_METRICS = (
    ExecutionTotals(),
    ExecutionBreakdown(BY_AGENT, agent_key),
    ExecutionBreakdown(BY_USER, user_key),
    ExecutionBreakdown(BY_VERSION, version_key),
)
