from datetime import UTC, datetime, timedelta, timezone

from domains.shared.clock import FixedClock, isoformat, parse_iso


def test_fixed_clock_advances_only_when_told():
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    first = clock.now()
    assert clock.now() == first
    clock.advance(seconds=90)
    assert clock.now() - first == timedelta(seconds=90)


def test_isoformat_is_utc_millisecond_and_sortable():
    moment = datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=timezone(timedelta(hours=2)))
    text = isoformat(moment)
    assert text == "2026-03-04T03:06:07.891Z"
    assert parse_iso(text) == datetime(2026, 3, 4, 3, 6, 7, 891000, tzinfo=UTC)
    assert isoformat(datetime(2026, 1, 1, tzinfo=UTC)) < isoformat(datetime(2026, 1, 2, tzinfo=UTC))
