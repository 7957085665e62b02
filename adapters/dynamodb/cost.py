"""Per-table consumed capacity and its on-demand cost, from the client wrapper's records.

Prices are DynamoDB on-demand list prices per million request units (us-east-1/us-east-2,
standard table class); a month is 30 days. The monthly estimate extrapolates the units
recorded since the recorder started at the rate observed over that span.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.dynamodb.recorder import CallRecorder

READ_PRICE_PER_MILLION = 0.125
WRITE_PRICE_PER_MILLION = 0.625
MONTH_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class TableCost:
    table: str
    calls: int
    read_units: float
    write_units: float
    monthly_usd: float


def table_costs(recorder: CallRecorder, *, now: float) -> list[TableCost]:
    """One row per table (multi-table calls are charged to their first table), costliest
    first."""
    per_table: dict[str, list[float]] = {}
    for (_, table), total in recorder.summary().items():
        if not table:
            continue
        row = per_table.setdefault(table.split("+")[0], [0, 0.0, 0.0])
        row[0] += total.calls
        row[1] += total.read_units
        row[2] += total.write_units
    scale = MONTH_SECONDS / max(now - recorder.since, 1.0)
    rows = [
        TableCost(
            table,
            int(calls),
            reads,
            writes,
            (reads * READ_PRICE_PER_MILLION + writes * WRITE_PRICE_PER_MILLION) / 1e6 * scale,
        )
        for table, (calls, reads, writes) in per_table.items()
    ]
    return sorted(rows, key=lambda r: (-r.monthly_usd, r.table))
