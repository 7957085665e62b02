"""The lab's metrics on the feed: experiment run completion and error patterns.

Both are computed from feed entries (the facts an entry keeps of its event: `status`,
`error`, `experiment_id`, see model.py) and hold only counts, so hours combine into days and
periods into a window's total exactly; rates are recomputed from the combined counts.

- `run_completion`: the runs that ended (`RunFinished`, published once per run as it turns
  finished, failed or killed): `finished`, `failed`, `killed`, `ended` (their sum) and
  `completion_rate` = finished / ended (0 when none ended, 4 decimals). By experiment too, as
  `exp:<experiment_id>:<count>` (with the experiment's own `completion_rate`), for at most
  MAX_GROUPS experiments a measure: beyond that the experiments that ended the fewest runs
  (then the greatest id) fold into `exp:~other`, whose counts are the exact sums of those
  folded in (so the experiments' rows always add up to the totals; an experiment folded in
  an hour stays in `~other` in its day).
- `error_patterns`: the failures by component and error kind, `<component>:<kind>`: a run
  that ended `failed` is component `run`, a `ModelDeploymentFailed` is `deployment`; the kind
  is the event's `error` (RunFinished carries one when the client said it, PATCH ... runs/
  {id} `error`), else `unspecified`. Beside them `failed_runs`, `failed_deployments` and
  `failures`. Killed runs are stopped, not failed: counted in run_completion only. At most
  MAX_GROUPS patterns a measure, the rest folded into `~other` the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domains.analytics.model import ActivityEntry
from domains.analytics.rollups import Measure, Number

RUN_FINISHED = "RunFinished"
DEPLOYMENT_FAILED = "ModelDeploymentFailed"
ENDINGS = ("finished", "failed", "killed")
FAILED = "failed"
UNSPECIFIED = "unspecified"
OTHER = "~other"
MAX_GROUPS = 25
EXPERIMENT = "exp:"
RUN_COMPONENT = "run"
DEPLOYMENT_COMPONENT = "deployment"


def rate(part: int, whole: int) -> float | int:
    return round(part / whole, 4) if whole else 0


def fold(
    groups: Mapping[str, Counter[str]], weight: str, limit: int = MAX_GROUPS
) -> dict[str, Counter[str]]:
    """At most `limit` groups: those with the greatest `weight` (then the least key) stay, the
    rest (and any `~other` already there) add up into `~other`."""
    ranked = sorted((k for k in groups if k != OTHER), key=lambda k: (-groups[k][weight], k))
    if len(ranked) + (OTHER in groups) <= limit:
        return dict(groups)
    kept = {key: groups[key] for key in ranked[: limit - 1]}
    other: Counter[str] = Counter()
    for key in ranked[limit - 1 :] + ([OTHER] if OTHER in groups else []):
        other.update(groups[key])
    return kept | {OTHER: other}


# -- run completion ------------------------------------------------------------------------------


def _completion(counts: Counter[str]) -> dict[str, Number]:
    ended = sum(counts[s] for s in ENDINGS)
    found: dict[str, Number] = {s: counts[s] for s in ENDINGS}
    return found | {"ended": ended, "completion_rate": rate(counts["finished"], ended)}


def _completion_measure(total: Counter[str], by_experiment: Mapping[str, Counter[str]]) -> Measure:
    values = _completion(total)
    for experiment, counts in sorted(fold(by_experiment, "ended").items()):
        for name, value in _completion(counts).items():
            if name != "ended" and (value or name == "completion_rate"):
                values[f"{EXPERIMENT}{experiment}:{name}"] = value
    return Measure(values)


@dataclass(frozen=True)
class RunCompletion:
    """Runs that ended, by status, with the completion rate; overall and by experiment."""

    name: str = "run_completion"

    def compute(self, entries: Sequence[ActivityEntry]) -> Measure:
        total: Counter[str] = Counter()
        by_experiment: dict[str, Counter[str]] = defaultdict(Counter)
        for entry in entries:
            status = entry.fact("status")
            if entry.type != RUN_FINISHED or status not in ENDINGS:
                continue
            total[status] += 1
            experiment = (entry.fact("experiment_id") or UNSPECIFIED).replace(":", "_")
            by_experiment[experiment][status] += 1
        return _completion_measure(total, _with_ended(by_experiment))

    def combine(self, measures: Sequence[Measure]) -> Measure:
        total: Counter[str] = Counter()
        by_experiment: dict[str, Counter[str]] = defaultdict(Counter)
        for measure in measures:
            for name, value in measure.values.items():
                if name.startswith(EXPERIMENT):
                    experiment, _, count = name.removeprefix(EXPERIMENT).rpartition(":")
                    if count in ENDINGS:
                        by_experiment[experiment][count] += int(value)
                elif name in ENDINGS:
                    total[name] += int(value)
        return _completion_measure(total, _with_ended(by_experiment))


def _with_ended(groups: Mapping[str, Counter[str]]) -> dict[str, Counter[str]]:
    for counts in groups.values():
        counts["ended"] = sum(counts[s] for s in ENDINGS)
    return dict(groups)


# -- error patterns ------------------------------------------------------------------------------


def _kind(entry: ActivityEntry) -> str:
    return (entry.fact("error") or UNSPECIFIED).replace(":", ".")


def _failure(entry: ActivityEntry) -> str | None:
    """The failure's pattern `<component>:<kind>`, None when the entry is no failure."""
    if entry.type == RUN_FINISHED and entry.fact("status") == FAILED:
        return f"{RUN_COMPONENT}:{_kind(entry)}"
    if entry.type == DEPLOYMENT_FAILED:
        return f"{DEPLOYMENT_COMPONENT}:{_kind(entry)}"
    return None


COMPONENT_TOTALS = {RUN_COMPONENT: "failed_runs", DEPLOYMENT_COMPONENT: "failed_deployments"}
TOTALS = ("failed_runs", "failed_deployments", "failures")


def _patterns_measure(patterns: Counter[str], totals: Counter[str]) -> Measure:
    groups = {key: Counter({"n": count}) for key, count in patterns.items() if count}
    values: dict[str, Number] = {name: totals[name] for name in TOTALS}
    for key, counts in sorted(fold(groups, "n").items()):
        values[key] = counts["n"]
    return Measure(values)


@dataclass(frozen=True)
class ErrorPatterns:
    """Failed runs and failed deployments, counted by `<component>:<error kind>`."""

    name: str = "error_patterns"

    def compute(self, entries: Sequence[ActivityEntry]) -> Measure:
        patterns: Counter[str] = Counter()
        totals: Counter[str] = Counter()
        for entry in entries:
            pattern = _failure(entry)
            if pattern is None:
                continue
            patterns[pattern] += 1
            totals[COMPONENT_TOTALS[pattern.split(":", 1)[0]]] += 1
            totals["failures"] += 1
        return _patterns_measure(patterns, totals)

    def combine(self, measures: Sequence[Measure]) -> Measure:
        patterns: Counter[str] = Counter()
        totals: Counter[str] = Counter()
        for measure in measures:
            for name, value in measure.values.items():
                (totals if name in TOTALS else patterns)[name] += int(value)
        return _patterns_measure(patterns, totals)


LAB_METRICS = (RunCompletion(), ErrorPatterns())
