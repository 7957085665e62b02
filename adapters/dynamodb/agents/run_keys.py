"""The one key builder of `agent-execution-history`. An agent's partition holds its runs
(`RUN#<started_at>#<run_id>`, so a time range is one BETWEEN and newest first is a reverse
Query) and the Idempotency-Key records of the posts that logged them
(`IDEM#<actor>#<key>`, sorting before every RUN#). The indexes: gsi1 a user's runs, gsi2 an
organisation's runs of a UTC day (the execution roll-ups), gsi3 an agent's runs with a status,
gsi4 the expiry index the archive job reads (`EXPIRES#<day>#<shard>`)."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.dynamodb.archive import expiry_keys
from domains.shared.clock import isoformat
from domains.shared.ids import id_timestamp_ms

TABLE = "agent-execution-history"
RUN_PREFIX = "RUN#"
IDEM_PREFIX = "IDEM#"
AFTER_ALL = "~"  # sorts after every digit and '#': the open upper end of a range
BEFORE_ALL = "0"  # no time sorts before it (a key value cannot be empty)


def agent_runs_partition(org_id: str, agent_id: str) -> str:
    return f"ORG#{org_id}#AGENT#{agent_id}"


def run_stamp(started_at: datetime, run_id: str) -> str:
    return f"{isoformat(started_at)}#{run_id}"


def run_key(org_id: str, agent_id: str, run_id: str) -> dict[str, str]:
    """From the id alone: its time part is the run's start, to the millisecond."""
    started = datetime.fromtimestamp(id_timestamp_ms(run_id) / 1000, tz=UTC)
    return {
        "pk": agent_runs_partition(org_id, agent_id),
        "sk": RUN_PREFIX + run_stamp(started, run_id),
    }


def replay_key(org_id: str, agent_id: str, actor: str, key: str) -> dict[str, str]:
    return {"pk": agent_runs_partition(org_id, agent_id), "sk": f"{IDEM_PREFIX}{actor}#{key}"}


def stamp_bounds(low: datetime | None, high: datetime | None) -> tuple[str, str]:
    """The sort-key range of runs started in [low, high] (either end open), without prefix."""
    return (
        isoformat(low) if low else BEFORE_ALL,
        f"{isoformat(high)}#{AFTER_ALL}" if high else AFTER_ALL,
    )


def status_partition(org_id: str, agent_id: str, status: str) -> str:
    return f"{agent_runs_partition(org_id, agent_id)}#STATUS#{status}"


def day_partition(org_id: str, day: datetime) -> str:
    """gsi2's partition: the organisation's runs started on one UTC day (roll-ups read it)."""
    return f"ORG#{org_id}#DAY#{day.astimezone(UTC):%Y-%m-%d}"


def run_index_keys(
    org_id: str,
    agent_id: str,
    run_id: str,
    *,
    user_id: str,
    status: str,
    started_at: datetime,
    expires_at: datetime,
) -> dict[str, str]:
    stamp = run_stamp(started_at, run_id)
    expires_pk, expires_sk = expiry_keys(expires_at, run_id)
    return {
        "gsi1pk": f"ORG#{org_id}#USER#{user_id}",
        "gsi1sk": stamp,
        "gsi2pk": day_partition(org_id, started_at),
        "gsi2sk": stamp,
        "gsi3pk": status_partition(org_id, agent_id, status),
        "gsi3sk": stamp,
        "gsi4pk": expires_pk,
        "gsi4sk": expires_sk,
    }
