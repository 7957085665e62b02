"""manage.py dynamo_export DIR: every table of the enabled features, DynamoDB JSON format."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from adapters.dynamodb.catalog import tables_for
from adapters.dynamodb.export import export_tables
from nexus.container import container


class Command(BaseCommand):
    help = "Export the tables of the enabled features in the DynamoDB JSON export format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--table", action="append", help="only this logical table (repeat)")

    def handle(self, *args: object, **options: object) -> None:
        c = container()
        names = options["table"] or [t.logical_name for t in tables_for(c.config().features)]
        counts = export_tables(c.gateways.dynamo(), names, options["directory"])  # type: ignore[arg-type]
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count} items")
        self.stdout.write(self.style.SUCCESS(f"exported {sum(counts.values())} items"))
