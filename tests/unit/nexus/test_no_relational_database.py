"""Production settings configure no relational database: DynamoDB holds everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROBE = """
import json, django
import nexus.settings as module
declared = dict(module.DATABASES)
from django.conf import settings
django.setup()
from django.db import connections
print(json.dumps({
    "databases": declared,
    "aliases": list(connections),
    "engines": [connections[a].settings_dict.get("ENGINE") for a in connections],
    "user_model": settings.AUTH_USER_MODEL,
    "session_engine": settings.SESSION_ENGINE,
}))
"""


def test_production_settings_have_no_relational_database() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nexus.settings",
        "NEXUS_ENVIRONMENT": "prod",
        "NEXUS_SECRET_KEY": "a-production-like-secret-" + "x" * 40,
        "NEXUS_ALLOWED_HOSTS": "api.example.com",
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["databases"] == {}
    # Django fills in only its dummy backend, which refuses every query.
    assert seen["engines"] in ([], ["django.db.backends.dummy"])
    assert seen["session_engine"] == "nexus.admin.sessions"
    assert seen["user_model"] == "nexus.StaffUser"
