"""manage.py requeue_dead_letters [--id ID ...] [--list]: send dead-lettered tasks again.

Each re-queued task is removed from the dead letters once the broker has it; if it fails for
good again it is dead-lettered anew, with its arguments, so nothing is lost either way.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "List or re-queue tasks that failed after their last retry."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--id", action="append", default=[], help="only this dead letter")
        parser.add_argument("--list", action="store_true", help="list them, send nothing")
        parser.add_argument("--limit", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        from nexus.celery_app import app
        from nexus.container import container

        store = container().dead_letters()
        letters = store.list(limit=options["limit"])
        if options["id"]:
            wanted = set(options["id"])
            letters = [letter for letter in letters if letter.id in wanted]
            missing = wanted - {letter.id for letter in letters}
            if missing:
                raise CommandError(f"no dead letter with id {sorted(missing)}")
        for letter in letters:
            line = f"{letter.id} {letter.task} failed {letter.failed_at:%Y-%m-%d %H:%M:%S}"
            if options["list"]:
                self.stdout.write(f"{line}: {letter.error}")
                continue
            queue = letter.queue or None  # back to the queue it failed on
            app.send_task(letter.task, args=letter.args, kwargs=letter.kwargs, queue=queue)
            store.remove(letter)
            self.stdout.write(f"re-queued {line}")
        if not letters:
            self.stdout.write("no dead letters")
