"""checkov (in its own venv, .venv-tools/) passes on deploy/terraform."""

from __future__ import annotations

import subprocess

import pytest

from nexus.terraform import REPO_ROOT

pytestmark = pytest.mark.infra


def test_checkov_reports_no_failed_check() -> None:
    proc = subprocess.run(
        [str(REPO_ROOT / "deploy" / "scripts" / "checkov.sh")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-8000:]
    assert "Failed checks: 0" in proc.stdout, output[-8000:]
