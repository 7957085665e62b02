"""Backends for the repository contract suite: moto in-process, moto's server over HTTP, and
moto's server holding the tables `terraform apply` of local.tfvars created (integration tier).

With NEXUS_TEST_DYNAMODB_ENDPOINT set, the "server" backend uses that endpoint instead of
starting one; its tables must exist already (prefix and environment from
NEXUS_TEST_TABLE_PREFIX / NEXUS_TEST_ENVIRONMENT), and the S3 bucket NEXUS_TEST_S3_BUCKET
(created when missing) is reached at NEXUS_TEST_S3_ENDPOINT or the same endpoint.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from adapters.dynamodb.catalog import create_table_request, physical_name, table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.recorder import CallRecorder
from adapters.dynamodb.session import make_boto_client
from adapters.s3.store import S3ObjectStore
from domains.shared.clock import FixedClock
from nexus.embedded import start_moto_server

from .project_records import ProjectRecords

REGION = os.environ.get("NEXUS_TEST_REGION", "us-east-2")
TABLES = ("projects",)
EXTERNAL = os.environ.get("NEXUS_TEST_DYNAMODB_ENDPOINT")
CURSOR_SECRET = b"contract-suite-cursor-secret-0123456789"


@dataclass
class Backend:
    """Everything a contract test needs, built the same way for every backend."""

    name: str
    dynamodb: Any
    s3: Any
    client: DynamoClient
    recorder: CallRecorder
    store: S3ObjectStore
    clock: FixedClock
    repo: ProjectRecords
    org: str


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    if EXTERNAL:
        yield EXTERNAL
        return
    server, url = start_moto_server(serialised=True)  # races decided as on DynamoDB
    try:
        yield url
    finally:
        server.stop()


def _ensure_tables(dynamodb: Any, prefix: str, environment: str) -> None:
    for logical in TABLES:
        name = physical_name(prefix, environment, logical)
        try:
            dynamodb.describe_table(TableName=name)
        except ClientError:
            dynamodb.create_table(**create_table_request(table_def(logical), name))


def _backend(name: str, dynamodb: Any, s3: Any, *, prefix: str, environment: str) -> Backend:
    bucket = os.environ.get("NEXUS_TEST_S3_BUCKET", "nexus-contract-offload")
    if name == "inprocess" or (name == "server" and not EXTERNAL):
        _ensure_tables(dynamodb, prefix, environment)
    recorder = CallRecorder()
    client = DynamoClient(
        dynamodb, prefix=prefix, environment=environment, is_aws=False, recorder=recorder
    )
    store = S3ObjectStore(s3, bucket)
    store.ensure_bucket()
    clock = FixedClock()
    repo = ProjectRecords(
        client,
        cursors=CursorSigner(CURSOR_SECRET),
        offloader=Offloader(store, 350_000, prefix=f"contract-{uuid.uuid4().hex[:8]}"),
        clock=clock,
        sleep=lambda _: None,
    )
    org = f"ORG#{uuid.uuid4().hex}"
    return Backend(name, dynamodb, s3, client, recorder, store, clock, repo, org)


@pytest.fixture(
    params=["inprocess", "server", pytest.param("terraform", marks=pytest.mark.integration)]
)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    if request.param == "inprocess":
        for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            monkeypatch.setenv(var, "testing")
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        with mock_aws():
            dynamodb = make_boto_client("dynamodb", region=REGION)
            s3 = make_boto_client("s3", region=REGION)
            yield _backend("inprocess", dynamodb, s3, prefix="ctest", environment="inproc")
        return
    if request.param == "terraform":
        endpoint = request.getfixturevalue("tf_moto_endpoint")
        outputs = request.getfixturevalue("tf_applied_all")
        assert outputs["table_names"]["projects"] == "ainw-local-projects"
        dynamodb = make_boto_client("dynamodb", region=REGION, endpoint_url=endpoint)
        s3 = make_boto_client("s3", region=REGION, endpoint_url=endpoint)
        yield _backend("terraform", dynamodb, s3, prefix="ainw", environment="local")
        return
    endpoint = request.getfixturevalue("moto_endpoint")
    s3_endpoint = os.environ.get("NEXUS_TEST_S3_ENDPOINT", endpoint)
    dynamodb = make_boto_client("dynamodb", region=REGION, endpoint_url=endpoint)
    s3 = make_boto_client("s3", region=REGION, endpoint_url=s3_endpoint)
    prefix = os.environ.get("NEXUS_TEST_TABLE_PREFIX", "ctest") if EXTERNAL else "ctest"
    environment = os.environ.get("NEXUS_TEST_ENVIRONMENT", "dev") if EXTERNAL else "server"
    yield _backend("server", dynamodb, s3, prefix=prefix, environment=environment)
