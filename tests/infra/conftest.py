"""Session fixtures of the infra tier: one moto server, one `terraform init`, one apply.

Terraform runs in a temporary copy of deploy/terraform (see nexus/terraform.py),
so the repository never gets a .terraform directory, lock file or state.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from nexus.embedded import start_moto_server
from nexus.terraform import TerraformHarness


@pytest.fixture(scope="session")
def tf_moto_endpoint() -> Iterator[str]:
    """A moto server (DynamoDB, S3, KMS, STS, IAM) on a free loopback port."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server, url = start_moto_server()
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def tf_harness() -> Iterator[TerraformHarness]:
    """deploy/terraform copied to a temp dir and initialised from the local plugin mirror."""
    harness = TerraformHarness.prepare()
    try:
        yield harness
    finally:
        harness.cleanup()


@pytest.fixture(scope="session")
def tf_applied_all(tf_harness: TerraformHarness, tf_moto_endpoint: str) -> dict[str, Any]:
    """local.tfvars applied with every feature on; the outputs (state "ainw-local")."""
    return tf_harness.apply_local(tf_moto_endpoint)


@pytest.fixture(scope="session")
def dynamodb_client(tf_moto_endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "dynamodb",
        endpoint_url=tf_moto_endpoint,
        region_name="us-east-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
