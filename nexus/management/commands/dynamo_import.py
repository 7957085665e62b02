"""manage.py dynamo_import DIR: loads a DynamoDB JSON export into the enabled tables."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from adapters.dynamodb.catalog import tables_for
from adapters.dynamodb.export import MANIFEST, import_tables
from nexus.container import container


class Command(BaseCommand):
    help = "Import a DynamoDB JSON export (as written by dynamo_export) into the tables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--table", action="append", help="only this logical table (repeat)")

    def handle(self, *args: object, **options: object) -> None:
        directory: Path = options["directory"]  # type: ignore[assignment]
        if not (directory / MANIFEST).exists():
            raise CommandError(f"{directory} has no {MANIFEST}: not an export directory")
        c = container()
        names = options["table"] or [t.logical_name for t in tables_for(c.config().features)]
        try:
            counts = import_tables(c.gateways.dynamo(), names, directory)  # type: ignore[arg-type]
        except ValueError as e:
            raise CommandError(str(e)) from e
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count} items")
        self.stdout.write(self.style.SUCCESS(f"imported {sum(counts.values())} items"))
