"""Run search: an MLflow-style filter (`metrics.accuracy > 0.9 and params.lr = '0.1' and
tags.team = 'vision'`) and an order (`metrics.accuracy DESC`), applied to a bounded set of
candidate runs read from an index (pure: no I/O here)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from domains.lab.tracking.model import Run, check_status, invalid

SEARCH_BOUND = 1000  # the newest runs a filtered or sorted search looks at, per request
_CLAUSE = re.compile(
    r"""^\s*(?P<kind>metrics|params|tags|attributes)\.(?P<key>`[^`]+`|[\w\-./]+)\s*
    (?P<op>>=|<=|!=|=|>|<)\s*(?P<value>'[^']*'|"[^"]*"|[-+0-9.eE]+)\s*$""",
    re.VERBOSE,
)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_ORDER = re.compile(
    r"^\s*(?P<kind>metrics|attributes)\.(?P<key>`[^`]+`|[\w\-./]+)(\s+(?P<dir>asc|desc))?\s*$",
    re.IGNORECASE,
)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}
_ORDER_ATTRIBUTES = ("start_time", "end_time")


@dataclass(frozen=True)
class Clause:
    kind: str
    key: str
    op: str
    value: str | float

    def matches(self, run: Run) -> bool:
        if self.kind == "metrics":
            point = run.latest_metrics.get(self.key)
            return point is not None and _OPS[self.op](point.value, self.value)
        if self.kind == "attributes":
            return _OPS[self.op](run.status, self.value)
        pairs = run.params if self.kind == "params" else run.tags
        return self.key in pairs and _OPS[self.op](pairs[self.key], self.value)


def _unquote(raw: str) -> str:
    return raw[1:-1] if raw[:1] in "`'\"" else raw


def parse_clause(text: str) -> Clause:
    m = _CLAUSE.match(text)
    if m is None:
        raise invalid(["filter"], f"cannot read {text.strip()!r}: <kind>.<key> <op> <value>")
    kind, key, op, raw = m["kind"], _unquote(m["key"]), m["op"], m["value"]
    quoted = raw[:1] in "'\""
    if kind == "metrics":
        if quoted:
            raise invalid(["filter"], f"metrics.{key} compares with a number")
        try:
            return Clause(kind, key, op, float(raw))
        except ValueError:
            raise invalid(["filter"], f"{raw!r} is not a number") from None
    if op not in ("=", "!="):
        raise invalid(["filter"], f"{kind}.{key} takes = or != only")
    if not quoted:
        raise invalid(["filter"], f"{kind}.{key} compares with a quoted string")
    if kind == "attributes":
        if key != "status":
            raise invalid(["filter"], "the attribute filtered on is `status`")
        return Clause(kind, key, op, check_status(_unquote(raw).lower()))
    return Clause(kind, key, op, _unquote(raw))


@dataclass(frozen=True)
class RunQuery:
    """Clauses all of which a run must match, and an order (by a metric or a time)."""

    clauses: tuple[Clause, ...] = ()
    order_kind: str = "attributes"
    order_key: str = "start_time"
    descending: bool = True

    @property
    def plain(self) -> bool:
        """Newest first with no filter: the index's own order, paged by the store."""
        return not self.clauses and (self.order_kind, self.order_key, self.descending) == (
            "attributes",
            "start_time",
            True,
        )

    def apply(self, runs: Sequence[Run]) -> list[Run]:
        kept = [r for r in runs if all(c.matches(r) for c in self.clauses)]
        return sorted(kept, key=self.sort_key)

    def sort_key(self, run: Run) -> tuple[int, float, float, str]:
        """(missing last, value, newest first, id): one ascending tuple for either direction,
        so a page cursor can hold the last key returned."""
        value = self._value(run)
        sign = -1.0 if self.descending else 1.0
        started = -run.started_at.timestamp()
        if value is None:
            return (1, 0.0, started, run.id)
        return (0, sign * value, started, run.id)

    def _value(self, run: Run) -> float | None:
        if self.order_kind == "metrics":
            point = run.latest_metrics.get(self.order_key)
            return point.value if point is not None else None
        moment = run.started_at if self.order_key == "start_time" else run.ended_at
        return moment.timestamp() if moment is not None else None


def parse_query(filter_text: str | None, order_by: str | None) -> RunQuery:
    text = (filter_text or "").strip()
    clauses = tuple(parse_clause(part) for part in _AND.split(text)) if text else ()
    if not order_by:
        return RunQuery(clauses)
    m = _ORDER.match(order_by)
    if m is None:
        raise invalid(["order_by"], "metrics.<key> or attributes.start_time|end_time [ASC|DESC]")
    kind, key = m["kind"].lower(), _unquote(m["key"])
    if kind == "attributes" and key not in _ORDER_ATTRIBUTES:
        raise invalid(["order_by"], f"attributes.{key} is not sortable: {_ORDER_ATTRIBUTES}")
    descending = (m["dir"] or ("desc" if kind == "attributes" else "asc")).lower() == "desc"
    return RunQuery(clauses, kind, key, descending)
