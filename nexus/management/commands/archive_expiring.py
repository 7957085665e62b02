"""manage.py archive_expiring [--days N]: write rows expiring within N days to S3 now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Archive rows of TTL tables that expire within --days (default 2) to S3."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=float, default=2.0, help="the horizon, in days")

    def handle(self, *args: Any, **options: Any) -> None:
        from nexus.container import container

        report = container().archiver().run(timedelta(days=options["days"]))
        for batch in report.batches:
            self.stdout.write(
                f"{batch['table']} {batch['day']}: {batch['rows']} rows -> {batch['key']}"
            )
        self.stdout.write(f"archived {report.rows} rows in {len(report.batches)} objects")
