"""manage.py recompute_rollups --from ISO --to ISO [--org ID ...] [--granularity hour|day]:
compute the roll-ups of a past window again, from the activity feed.

The window is [from, to), widened to whole hours. Without --org, every organisation with
activity in the window (found by a paginated Scan of the feed: a job, never a request).
`--granularity hour` rewrites the hours only; `day` re-combines the days from the stored
hours; neither rewrites both. Recomputing is idempotent: the same feed gives the same items.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from domains.analytics.rollups import DAY, GRANULARITIES, HOUR, period_start


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise CommandError(f"not an ISO 8601 time: {value!r}") from error
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _window(options: dict[str, Any]) -> tuple[datetime, datetime]:
    start = period_start(_moment(options["from"]), HOUR)
    end = _moment(options["to"])
    if period_start(end, HOUR) != end:
        end = period_start(end, HOUR) + timedelta(hours=1)
    if start >= end:
        raise CommandError("--from must be before --to")
    return start, end


class Command(BaseCommand):
    help = "Recompute the analytics roll-ups of a past window from the activity feed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", required=True, help="ISO 8601 start (UTC when naive)")
        parser.add_argument("--to", required=True, help="ISO 8601 end, excluded")
        parser.add_argument("--org", action="append", default=[], help="only this organisation")
        parser.add_argument("--granularity", choices=GRANULARITIES, help="hours or days only")

    def handle(self, *args: Any, **options: Any) -> None:
        from nexus.container import container

        start, end = _window(options)
        rollups = container().analytics.rollups()
        orgs = options["org"] or sorted(rollups.organisations(start=start, end=end))
        wanted = (options["granularity"],) if options["granularity"] else (HOUR, DAY)
        for org_id in orgs:
            report = rollups.recompute(org_id=org_id, start=start, end=end, granularities=wanted)
            self.stdout.write(f"{org_id}: {report.hours} hours, {report.days} days")
        self.stdout.write(
            f"{len(orgs)} organisations from {start:%Y-%m-%dT%H:%MZ} to {end:%Y-%m-%dT%H:%MZ}"
        )
