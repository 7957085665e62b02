"""`manage.py create_staff --email ...`: the first staff user of an empty store (or another).

The password comes from --password, else NEXUS_STAFF_PASSWORD, else a prompt.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from domains.shared.errors import DomainError
from nexus.container import container


class Command(BaseCommand):
    help = "Create a staff user who can sign in to /admin/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="default: $NEXUS_STAFF_PASSWORD, else a prompt")
        parser.add_argument("--display-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or os.environ.get("NEXUS_STAFF_PASSWORD")
        if not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords differ")
        try:
            user = (
                container()
                .identity.staff()
                .create_staff(
                    email=options["email"], password=password, display_name=options["display_name"]
                )
            )
        except DomainError as e:
            raise CommandError(e.detail) from e
        self.stdout.write(f"staff user {user.email} created (id {user.id})")
