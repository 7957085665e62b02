"""Suite-wide fixtures and the tier rules: a test's folder names its tier marker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TIERS = ("unit", "contract", "integration", "api", "fuzz", "infra", "e2e", "browser")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).relative_to(Path(__file__).parent).parts
        if parts and parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, parts[0]))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """With NEXUS_STRICT_TIERS=1 (CI), a skipped test is a failure: no tier silently skips."""
    outcome = yield
    report = outcome.get_result()
    if (
        os.environ.get("NEXUS_STRICT_TIERS") == "1"
        and report.skipped
        and not hasattr(report, "wasxfail")
    ):
        report.outcome = "failed"
        report.longrepr = f"skipped under NEXUS_STRICT_TIERS=1: {report.longrepr}"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """moto in-process: every boto3 call made inside is answered by moto's backends."""
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-2",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


@pytest.fixture
def make_stack(aws):  # type: ignore[no-untyped-def]
    """Builds the real container over moto in-process, with tables for `features`."""
    from dataclasses import replace

    from adapters.dynamodb.bootstrap import create_missing
    from adapters.dynamodb.catalog import FEATURES, tables_for
    from nexus.config import load_config
    from nexus.container import build_container, set_container

    previous = []

    def make(features: tuple[str, ...] = FEATURES, *, create: tuple[str, ...] | None = None):  # type: ignore[no-untyped-def]
        cfg = replace(
            load_config(),
            dynamodb_endpoint=None,
            s3_endpoint=None,
            is_aws=False,
            features=features,
            environment="test",
        )
        built = build_container(cfg)
        to_create = features if create is None else create
        create_missing(built.gateways.dynamo(), tables_for(to_create))
        built.gateways.object_store().ensure_bucket()
        previous.append(set_container(built))
        return built

    yield make
    if previous:
        set_container(previous[0])


@pytest.fixture(scope="session")
def tf_moto_endpoint():  # type: ignore[no-untyped-def]
    """moto's server (DynamoDB, S3, KMS, STS, IAM) in its own process on a free port, so the
    tables Terraform creates outlive every in-process `mock_aws` test."""
    from nexus.embedded import moto_server_process

    with moto_server_process() as url:
        yield url


@pytest.fixture(scope="session")
def tf_harness():  # type: ignore[no-untyped-def]
    """deploy/terraform copied to a temp dir and initialised from the local plugin mirror."""
    from nexus.terraform import TerraformHarness, terraform_available

    if not terraform_available():
        pytest.skip("terraform or its AWS provider mirror (NEXUS_TF_PLUGIN_DIR) is missing")
    harness = TerraformHarness.prepare()
    try:
        yield harness
    finally:
        harness.cleanup()


@pytest.fixture(scope="session")
def tf_applied_all(tf_harness, tf_moto_endpoint):  # type: ignore[no-untyped-def]
    """local.tfvars applied with every feature on (prefix ainw, environment local): outputs."""
    return tf_harness.apply_local(tf_moto_endpoint)
