"""Fixtures of the infra tier; the Terraform session fixtures (one moto server, one
`terraform init`, one apply of every feature) live in tests/conftest.py, shared with the
contract suite's Terraform backend. Terraform runs in a temporary copy of deploy/terraform
(see nexus/terraform.py), so the repository never gets a .terraform directory or state.
"""

from __future__ import annotations

from typing import Any

import pytest


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
