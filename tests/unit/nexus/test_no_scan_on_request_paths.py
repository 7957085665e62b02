"""Scan never serves an API request: only admin and jobs code may call it."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SCAN_CALL = re.compile(r"\.(scan|_scan_page|scan_pages)\(")
# The wrapper and the base repository define Scan; export and purge (expired items where the
# store keeps them, nexus.tasks_ttl) are jobs; admin modules browse.
ALLOWED = {
    "adapters/dynamodb/client.py",
    "adapters/dynamodb/repository.py",
    "adapters/dynamodb/reading.py",
    "adapters/dynamodb/export.py",
    "adapters/dynamodb/purge.py",
}


def _allowed(path: str) -> bool:
    return (
        path in ALLOWED or path.endswith(("/admin.py", "/tasks.py", "/jobs.py")) or "/jobs/" in path
    )


def test_scan_is_called_only_from_admin_and_jobs_code() -> None:
    offenders = []
    for folder in ("domains", "adapters", "nexus"):
        for path in (REPO / folder).rglob("*.py"):
            rel = path.relative_to(REPO).as_posix()
            if SCAN_CALL.search(path.read_text()) and not _allowed(rel):
                offenders.append(rel)
    assert offenders == []
