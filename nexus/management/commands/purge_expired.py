"""manage.py purge_expired: delete expired items where the store does not (local endpoints)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Delete expired sessions, invitations, idempotency records... (not on AWS)."

    def handle(self, *args: Any, **options: Any) -> None:
        from nexus.container import container

        report = container().purger().run()
        if report.disabled:
            self.stdout.write("the store expires items itself (AWS): nothing to purge")
            return
        for table, deleted in report.deleted.items():
            self.stdout.write(f"{table}: {deleted} deleted, {report.kept[table]} kept")
        self.stdout.write(f"purged {report.total} items")
