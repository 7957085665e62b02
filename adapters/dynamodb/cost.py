"""Per-table consumed capacity and its on-demand cost, from the client wrapper's records.

Prices are DynamoDB on-demand list prices (us-east-1/us-east-2, standard table class):
$0.125 per million read request units, $0.625 per million write request units, $0.25 per
GB-month of storage beyond the free tier (which is not deducted); a month is 30 days.
`Prices` carries them (NEXUS_COST_*_PRICE override them); `request_usd` and
`storage_usd_per_day` are the one pricing of the admin dashboard and the cost report. The
monthly estimate extrapolates the units recorded since the recorder started at the rate
observed over that span.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.dynamodb.recorder import CallRecorder

READ_PRICE_PER_MILLION = 0.125
WRITE_PRICE_PER_MILLION = 0.625
STORAGE_PRICE_PER_GB_MONTH = 0.25
MONTH_SECONDS = 30 * 24 * 3600
GB = 1024**3


@dataclass(frozen=True)
class Prices:
    read_per_million: float = READ_PRICE_PER_MILLION
    write_per_million: float = WRITE_PRICE_PER_MILLION
    storage_per_gb_month: float = STORAGE_PRICE_PER_GB_MONTH


DEFAULT_PRICES = Prices()


def request_usd(read_units: float, write_units: float, prices: Prices = DEFAULT_PRICES) -> float:
    """What on-demand charges for these request units."""
    return (read_units * prices.read_per_million + write_units * prices.write_per_million) / 1e6


def storage_usd_per_day(size_bytes: int, prices: Prices = DEFAULT_PRICES) -> float:
    """One day's share of a month's storage charge for a table of `size_bytes`."""
    return size_bytes / GB * prices.storage_per_gb_month / 30


@dataclass(frozen=True)
class TableCost:
    table: str
    calls: int
    read_units: float
    write_units: float
    monthly_usd: float


def table_costs(
    recorder: CallRecorder, *, now: float, prices: Prices = DEFAULT_PRICES
) -> list[TableCost]:
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
        TableCost(table, int(calls), reads, writes, request_usd(reads, writes, prices) * scale)
        for table, (calls, reads, writes) in per_table.items()
    ]
    return sorted(rows, key=lambda r: (-r.monthly_usd, r.table))
