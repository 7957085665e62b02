"""The cost report's use cases over a fake reader: who may read which report, and ranges."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domains.analytics.services.costs import CostDay, CostReportSelector
from domains.shared.clock import FixedClock
from domains.shared.errors import Forbidden, ValidationFailed
from domains.shared.permissions import Permission, permissions_for
from domains.shared.tenancy import Principal, TenantContext


class FakeCostReader:
    def __init__(self) -> None:
        self.asked: list[tuple[str | None, date, date]] = []

    def org_days(self, org_id: str, first: date, last: date) -> list[CostDay]:
        self.asked.append((org_id, first, last))
        return [
            CostDay("projects", "2026-03-01", 2.0, 4.0, 0.5),
            CostDay("workspaces", "2026-03-01", 1.0, 0.0, 0.25),
            CostDay("projects", "2026-03-02", 1.0, 1.0, 0.25),
        ]

    def platform_days(self, first: date, last: date) -> list[CostDay]:
        self.asked.append((None, first, last))
        return [CostDay("projects", "2026-03-01", 2.0, 4.0, 0.5, 1024, 0.125)]


def _selector() -> tuple[CostReportSelector, FakeCostReader]:
    reader = FakeCostReader()
    clock = FixedClock(datetime(2026, 3, 31, 12, tzinfo=UTC))
    return CostReportSelector(reader=reader, clock=clock), reader


def _ctx(role: str) -> TenantContext:
    return TenantContext("org-a", Principal("u1"), role, permissions_for(role))


def test_only_owners_and_admins_hold_the_cost_permission() -> None:
    holders = {r for r in ("owner", "admin", "member", "viewer") if _ctx(r).can("analytics:costs")}
    assert holders == {"owner", "admin"}
    assert Permission.ANALYTICS_COSTS == "analytics:costs"


def test_an_admin_reads_the_organisations_share_with_totals_per_table() -> None:
    selector, reader = _selector()
    report = selector.org_report(ctx=_ctx("admin"), first=date(2026, 3, 1), last=date(2026, 3, 2))
    assert reader.asked == [("org-a", date(2026, 3, 1), date(2026, 3, 2))]
    assert (report.totals.read_units, report.totals.write_units, report.totals.usd) == (
        4.0,
        5.0,
        1.0,
    )
    assert {t: (v.read_units, v.usd) for t, v in report.by_table().items()} == {
        "projects": (3.0, 0.75),
        "workspaces": (1.0, 0.25),
    }


def test_the_default_range_is_the_last_thirty_days() -> None:
    selector, reader = _selector()
    selector.org_report(ctx=_ctx("owner"), first=None, last=None)
    selector.org_report(ctx=_ctx("owner"), first=None, last=date(2026, 2, 28))
    assert [a[1:] for a in reader.asked] == [
        (date(2026, 3, 2), date(2026, 3, 31)),
        (date(2026, 1, 30), date(2026, 2, 28)),
    ]


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_are_refused(role: str) -> None:
    selector, reader = _selector()
    with pytest.raises(Forbidden):
        selector.org_report(ctx=_ctx(role), first=None, last=None)
    assert reader.asked == []


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2026, 3, 2), date(2026, 3, 1)), (date(2025, 1, 1), date(2026, 1, 2))],
)
def test_a_range_backwards_or_longer_than_366_days_is_invalid(first: date, last: date) -> None:
    selector, reader = _selector()
    with pytest.raises(ValidationFailed):
        selector.org_report(ctx=_ctx("owner"), first=first, last=last)
    with pytest.raises(ValidationFailed):
        selector.platform_report(principal=Principal("s", is_staff=True), first=first, last=last)
    assert reader.asked == []


def test_366_days_is_allowed() -> None:
    selector, _ = _selector()
    selector.org_report(ctx=_ctx("owner"), first=date(2024, 1, 1), last=date(2024, 12, 31))


def test_the_platform_report_is_for_staff_only() -> None:
    selector, _ = _selector()
    with pytest.raises(Forbidden):
        selector.platform_report(principal=Principal("u1"), first=None, last=None)
    report = selector.platform_report(
        principal=Principal("s", is_staff=True), first=None, last=None
    )
    assert report.org_id is None
    assert report.totals.usd == 0.625
    assert report.days[0].storage_bytes == 1024
