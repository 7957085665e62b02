"""The usage port's checks: counter names, amounts, organisation ids and the UTC day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from domains.shared.errors import ValidationFailed
from domains.shared.usage import (
    DiscardingUsageRecorder,
    UsageKey,
    check_amount,
    check_counter,
    usage_day,
)

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "name",
    ["template.used", "agent.run", "prompt.rendered", "lesson.viewed", "agent.run.tokens_in"],
)
def test_lowercase_dotted_names_are_counters(name: str) -> None:
    assert check_counter(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "template",
        "Template.used",
        "template.Used",
        "template..used",
        ".template.used",
        "template.used.",
        "template used",
        "template-used.x",
        "1template.used",
        "template.9used",
        "org|x.used",
        "ORG#x.used",
        "a." + "b" * 63,
    ],
)
def test_other_names_are_refused_with_the_field_named(name: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_counter(name)
    assert refused.value.errors[0]["loc"] == ["counter"]


def test_a_counter_name_may_be_64_characters_long() -> None:
    name = "a." + "b" * 62
    assert check_counter(name) == name


@pytest.mark.parametrize("amount", [1, 7, 1_000_000])
def test_whole_positive_amounts_are_accepted(amount: int) -> None:
    assert check_amount(amount) == amount


@pytest.mark.parametrize("amount", [0, -1, 1_000_001, True, 1.5, "2"])
def test_other_amounts_are_refused(amount: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_amount(amount)  # type: ignore[arg-type]
    assert refused.value.errors[0]["loc"] == ["amount"]


def test_an_event_counts_in_its_utc_day() -> None:
    late_in_sao_paulo = datetime(2026, 3, 1, 22, 30, tzinfo=timezone(timedelta(hours=-3)))
    assert usage_day(late_in_sao_paulo) == "2026-03-02"
    assert usage_day(datetime(2026, 3, 1, 23, 59)) == "2026-03-01"  # naive is UTC


def test_a_usage_key_names_organisation_counter_and_day() -> None:
    key = UsageKey.of(org_id="01J9Z8R0AAAA", counter="agent.run", at=AT)
    assert key == UsageKey("01J9Z8R0AAAA", "agent.run", "2026-03-01")


@pytest.mark.parametrize("org_id", ["", "a|b", "ORG#1", "a b", "x" * 65])
def test_a_malformed_organisation_id_is_refused(org_id: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        UsageKey.of(org_id=org_id, counter="agent.run", at=AT)
    assert refused.value.errors[0]["loc"] == ["org_id"]


def test_the_recorder_of_a_disabled_feature_still_checks_its_input() -> None:
    recorder = DiscardingUsageRecorder()
    recorder.record(org_id="o1", counter="agent.run", amount=3, at=AT)
    with pytest.raises(ValidationFailed):
        recorder.record(org_id="o1", counter="Agent Run")
