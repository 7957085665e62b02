"""The one key builder of `aggregated-analytics`: usage counters (and, as they come, the
roll-ups and the cost report) build their keys here."""

from __future__ import annotations

from domains.shared.usage import UsageKey

AGGREGATES_TABLE = "aggregated-analytics"


# -- roll-ups: one partition per organisation, metric and granularity; items are periods ----

DIRTY_PARTITION = "ROLLUP#DIRTY"  # the hours due for a roll-up, oldest first


def metric_partition(org_id: str, metric: str, granularity: str) -> str:
    return f"ORG#{org_id}#METRIC#{metric}#{granularity}"


def rollup_key(org_id: str, metric: str, granularity: str, period: str) -> dict[str, str]:
    return {"pk": metric_partition(org_id, metric, granularity), "sk": period}


def dirty_key(org_id: str, hour: str) -> dict[str, str]:
    """A due hour: `<yyyy-mm-ddThh>#<org_id>` in one partition, so one Query finds them all."""
    return {"pk": DIRTY_PARTITION, "sk": f"{hour}#{org_id}"}


def usage_partition(org_id: str, counter: str) -> str:
    """One partition per organisation and counter; its items are the days."""
    return f"ORG#{org_id}#USAGE#{counter}"


def usage_key(key: UsageKey) -> dict[str, str]:
    return {"pk": usage_partition(key.org_id, key.counter), "sk": key.day}


# -- the cost report: capacity units per table and day ------------------------------------------

COST_MONTH_INDEX = "gsi1"
DAY_END = "#\uffff"  # after every `<day>#<table>` of a day: the end of a day's range


def cost_table_key(table: str, day: str) -> dict[str, str]:
    """Every unit of one table on one day, indexed by month for the staff report."""
    return {
        "pk": f"COST#{table}",
        "sk": day,
        "gsi1pk": cost_month_partition(day[:7]),
        "gsi1sk": f"{day}#{table}",
    }


def cost_month_partition(month: str) -> str:
    """`COSTMONTH#<yyyy-mm>`: every table's cost items of a month."""
    return f"COSTMONTH#{month}"


def cost_org_partition(org_id: str) -> str:
    """One partition per organisation; its items are `<day>#<table>`."""
    return f"ORG#{org_id}#COST"


def cost_org_key(org_id: str, table: str, day: str) -> dict[str, str]:
    """The units one organisation's requests used of one table on one day."""
    return {"pk": cost_org_partition(org_id), "sk": f"{day}#{table}"}
