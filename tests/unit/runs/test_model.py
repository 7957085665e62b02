"""The run's rules: statuses, timings (finished_at or duration_ms, each derived from the
other), the retention window, payload sizes, errors and steps; 422 with one problem per field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domains.agents.runs.model import (
    MAX_IO_CHARS,
    RETENTION,
    RunError,
    RunStep,
    check_run,
    check_window,
    money,
    utc,
)
from domains.shared.errors import ValidationFailed
from domains.shared.ids import id_at, id_timestamp_ms, is_valid_id

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
STARTED = NOW - timedelta(minutes=10)


def problems(**fields: object) -> list[list[object]]:
    with pytest.raises(ValidationFailed) as failed:
        check_run(now=NOW, **fields)  # type: ignore[arg-type]
    return [p["loc"] for p in failed.value.errors]


def test_a_finished_run_takes_its_duration_from_finished_at_and_the_other_way_round() -> None:
    by_end = check_run(
        now=NOW, status="succeeded", started_at=STARTED, finished_at=STARTED + timedelta(seconds=2)
    )
    assert by_end.duration_ms == 2000
    by_duration = check_run(now=NOW, status="failed", started_at=STARTED, duration_ms=750)
    assert by_duration.finished_at == STARTED + timedelta(milliseconds=750)
    both = check_run(
        now=NOW,
        status="succeeded",
        started_at=STARTED,
        finished_at=STARTED + timedelta(seconds=2),
        duration_ms=1990,  # measured inside the runtime: close enough
    )
    assert both.duration_ms == 1990


def test_times_are_utc_to_the_millisecond_and_naive_ones_are_utc() -> None:
    naive = datetime(2026, 6, 1, 11, 0, 0, 123456)
    draft = check_run(now=NOW, status="running", started_at=naive)
    assert draft.started_at == datetime(2026, 6, 1, 11, 0, 0, 123000, tzinfo=UTC)
    assert draft.finished_at is None and draft.duration_ms is None


def test_each_broken_rule_is_a_problem_of_its_field() -> None:
    assert problems(status="done", started_at=STARTED, duration_ms=1) == [["status"]]
    assert problems(status="succeeded", started_at=STARTED) == [["finished_at"]]
    assert problems(
        status="running", started_at=STARTED, finished_at=STARTED + timedelta(seconds=1)
    ) == [["finished_at"]]
    assert problems(
        status="succeeded", started_at=STARTED, finished_at=STARTED - timedelta(seconds=1)
    ) == [["finished_at"]]
    assert problems(
        status="succeeded",
        started_at=STARTED,
        finished_at=STARTED + timedelta(seconds=10),
        duration_ms=1000,
    ) == [["duration_ms"]]
    assert problems(
        status="succeeded", started_at=STARTED, duration_ms=1, error=RunError("Boom", "x")
    ) == [["error"]]


def test_a_start_in_the_future_or_past_the_retention_is_refused() -> None:
    assert problems(status="running", started_at=NOW + timedelta(minutes=6)) == [["started_at"]]
    check_run(now=NOW, status="running", started_at=NOW + timedelta(minutes=4))  # clock skew
    assert problems(status="running", started_at=NOW - RETENTION) == [["started_at"]]
    check_run(now=NOW, status="running", started_at=NOW - RETENTION + timedelta(minutes=1))


def test_payloads_and_steps_are_bounded_and_checked_one_by_one() -> None:
    big = "x" * MAX_IO_CHARS
    assert problems(status="running", started_at=STARTED, inputs={"text": big}) == [["inputs"]]
    steps = (
        RunStep("n1", "succeeded"),
        RunStep("n2", "exploded"),
        RunStep("n3", "skipped", error=RunError("E")),
    )
    assert problems(status="running", started_at=STARTED, steps=steps) == [
        ["steps", 1, "status"],
        ["steps", 2, "error"],
    ]
    assert problems(
        status="running", started_at=STARTED, steps=(RunStep("n", "succeeded"),) * 501
    ) == [["steps"]]


def test_the_fingerprint_tells_two_posts_apart() -> None:
    def draft(cost: str) -> str:
        return check_run(
            now=NOW, status="failed", started_at=STARTED, duration_ms=5, cost=Decimal(cost)
        ).fingerprint()

    assert draft("0.10") == draft("0.1") and draft("0.1") != draft("0.2")


def test_money_is_plain_decimal_text() -> None:
    assert [money(Decimal(v)) for v in ("0.0042", "4.2E-3", "10", "1E+1", "0.000")] == [
        "0.0042",
        "0.0042",
        "10",
        "10",
        "0",
    ]


def test_a_run_id_carries_its_start() -> None:
    at = utc(STARTED)
    made = id_at(int(at.timestamp() * 1000))
    assert is_valid_id(made) and id_timestamp_ms(made) == int(at.timestamp() * 1000)
    assert id_at(1000) != id_at(1000)


def test_a_window_must_not_end_before_it_starts() -> None:
    assert check_window(None, STARTED) == (None, STARTED)
    with pytest.raises(ValidationFailed):
        check_window(NOW, STARTED)
