"""The template adoption metric: the share of users who joined in a window that created or used
a template within 30 days (720 hours) of joining; hours combine into days and days into
windows exactly as if computed over the whole span."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from domains.analytics.metrics import TemplateAdoption
from domains.analytics.model import ActivityEntry, entry_from
from domains.analytics.rollups import DAY, HOUR, entry_time, period_start
from domains.shared.ids import new_id
from tests.fakes.rollups import event_at

ORG = new_id()
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
METRIC = TemplateAdoption()


def _entry(name: str, actor: str, at: datetime, member: str | None = None) -> ActivityEntry:
    resource = ("member", member) if member else ("template", new_id())
    event = event_at(name, org_id=ORG, actor_id=actor, at=at, resource=resource)
    entry = entry_from(event)
    assert entry is not None
    return entry


def _joined(user: str, at: datetime) -> ActivityEntry:
    return _entry("MemberJoined", user, at, member=user)


def test_adoption_within_thirty_days_of_joining() -> None:
    ada, bob, cy, dee = (new_id() for _ in range(4))
    entries = [
        _joined(ada, T0),
        _entry("TemplateUsed", ada, T0 + timedelta(days=3)),
        _joined(bob, T0),
        _entry("TemplateCreated", bob, T0 + timedelta(hours=720)),  # the 31st day: too late
        _joined(cy, T0 + timedelta(hours=1)),
        _entry("TemplateCreated", cy, T0 + timedelta(hours=720, minutes=30)),  # hour 719 after
        _entry("TemplateUsed", dee, T0),  # never joined in the window: not counted
        _entry("TemplateUsed", f"apikey:{new_id()}", T0),
    ]
    measure = METRIC.compute(entries)
    assert measure.values == {"joined": 3, "adopted": 2, "share": 0.6667}


def test_an_admin_adding_a_member_counts_the_member_and_api_keys_never_adopt() -> None:
    admin, eve = new_id(), new_id()
    key = f"apikey:{new_id()}"
    entries = [
        _entry("MemberJoined", admin, T0, member=eve),
        _entry("TemplateUsed", key, T0 + timedelta(hours=1)),
        _entry("TemplateUsed", admin, T0 + timedelta(hours=1)),
    ]
    assert METRIC.compute(entries).values == {"joined": 1, "adopted": 0, "share": 0}
    later = METRIC.compute([_entry("TemplateUsed", eve, T0 + timedelta(days=2))])
    assert METRIC.combine([METRIC.compute(entries), later]).values["adopted"] == 1


def test_a_quiet_window_is_zeros() -> None:
    assert METRIC.combine([]).values == {"joined": 0, "adopted": 0, "share": 0}


def _story(rng: random.Random) -> list[ActivityEntry]:
    """Users joining over 60 days (some leaving and re-joining), using templates before and
    after, for up to 50 days after."""
    entries = []
    for _ in range(60):
        user = new_id()
        joined = T0 + timedelta(hours=rng.randrange(60 * 24))
        joins = [joined] + ([joined + timedelta(days=rng.randrange(1, 40))] * (rng.random() < 0.2))
        entries += [_joined(user, at) for at in joins]
        for _ in range(rng.randrange(4)):
            offset = timedelta(hours=rng.randrange(-200, 50 * 24))
            name = rng.choice(["TemplateCreated", "TemplateUsed"])
            entries.append(_entry(name, user, joined + offset))
        entries.append(_entry("ProjectCreated", user, joined))
    return entries


def test_hours_combine_into_days_and_windows_exactly() -> None:
    rng = random.Random(7)
    entries = _story(rng)
    hours: dict[datetime, list[ActivityEntry]] = {}
    for entry in entries:
        hours.setdefault(period_start(entry_time(entry), HOUR), []).append(entry)
    hour_measures = {start: METRIC.compute(found) for start, found in hours.items()}
    days: dict[datetime, list[datetime]] = {}
    for start in hour_measures:
        days.setdefault(period_start(start, DAY), []).append(start)
    day_measures = {
        day: METRIC.combine([hour_measures[h] for h in starts]) for day, starts in days.items()
    }
    for day, starts in days.items():
        within = [e for h in starts for e in hours[h]]
        assert day_measures[day] == METRIC.compute(within)
    ordered = sorted(day_measures)
    for _ in range(30):
        first, last = sorted(rng.sample(range(len(ordered)), 2))
        chosen = ordered[first : last + 1]
        start, end = chosen[0], chosen[-1] + timedelta(days=1)
        expected = METRIC.compute([e for e in entries if start <= entry_time(e) < end])
        assert METRIC.combine([day_measures[d] for d in chosen]) == expected
        assert expected.values["joined"] >= expected.values["adopted"]
    whole = METRIC.compute(entries)
    assert 0 < whole.values["adopted"] < whole.values["joined"]
