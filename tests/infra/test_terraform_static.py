"""fmt, validate, and the shape of the configuration (no endpoint needed)."""

from __future__ import annotations

import json
import re

import pytest

from adapters.dynamodb import catalog
from nexus.terraform import FEATURES, TABLES_DIR, TERRAFORM_DIR, TerraformHarness

pytestmark = pytest.mark.infra


def test_fmt_check_passes(tf_harness: TerraformHarness) -> None:
    proc = tf_harness.fmt_check()
    assert proc.returncode == 0, f"terraform fmt -check -recursive:\n{proc.stdout}{proc.stderr}"


def test_validate_passes(tf_harness: TerraformHarness) -> None:
    result = tf_harness.validate()
    assert result["valid"], json.dumps(result["diagnostics"], indent=2)
    assert result["error_count"] == 0


def test_feature_flags_live_in_the_seed_named_file_and_match_the_table_files() -> None:
    source = (TERRAFORM_DIR / "dynamodb-feature-modules.tf").read_text()
    declared = set(re.findall(r'^variable\s+"(deploy_[a-z_]+)"', source, re.MULTILINE))
    assert declared == {f"deploy_{f}" for f in FEATURES}
    for feature in FEATURES:
        doc = json.loads((TABLES_DIR / f"{feature}.json").read_text())
        assert doc["flag"] == f"deploy_{feature}"
    assert json.loads((TABLES_DIR / "base.json").read_text())["flag"] is None
    assert catalog.FEATURES == FEATURES


def test_every_environment_has_a_var_file() -> None:
    for env in ("dev", "staging", "prod", "local"):
        assert (TERRAFORM_DIR / "environments" / f"{env}.tfvars").is_file()


def test_checkov_skips_carry_a_reason() -> None:
    for tf_file in TERRAFORM_DIR.rglob("*.tf"):
        for line in tf_file.read_text().splitlines():
            if "checkov:skip=" in line:
                assert re.search(r"checkov:skip=CKV2?_[A-Z0-9_]+:\S.{10,}", line), (
                    f"{tf_file.name}: skip without a written reason: {line.strip()}"
                )


def test_repository_is_left_clean() -> None:
    """Terraform only ever ran in temp copies: no .terraform, lock file or state in the repo."""
    leftovers = [
        p
        for pattern in (".terraform", ".terraform.lock.hcl", "*.tfstate", "*.tfstate.*", "*.tfplan")
        for p in TERRAFORM_DIR.rglob(pattern)
    ]
    assert leftovers == []
