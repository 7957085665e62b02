"""Backends for the repository contract suite: moto in-process and moto's server over HTTP.

With NEXUS_TEST_DYNAMODB_ENDPOINT set, the "server" backend uses that endpoint instead of
starting one; its tables must exist already (prefix and environment from
NEXUS_TEST_TABLE_PREFIX / NEXUS_TEST_ENVIRONMENT), and the S3 bucket NEXUS_TEST_S3_BUCKET
(created when missing) is reached at NEXUS_TEST_S3_ENDPOINT or the same endpoint.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.server import ThreadedMotoServer

from adapters.dynamodb.catalog import create_table_request, physical_name, table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.recorder import CallRecorder
from adapters.dynamodb.session import make_boto_client
from adapters.s3.store import S3ObjectStore
from domains.shared.clock import FixedClock

from .project_records import ProjectRecords

REGION = os.environ.get("NEXUS_TEST_REGION", "us-east-1")
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    if EXTERNAL:
        yield EXTERNAL
        return
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _ensure_tables(dynamodb: Any, prefix: str, environment: str) -> None:
    for logical in TABLES:
        name = physical_name(prefix, environment, logical)
        try:
            dynamodb.describe_table(TableName=name)
        except ClientError:
            dynamodb.create_table(**create_table_request(table_def(logical), name))


def _ensure_bucket(s3: Any, bucket: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        s3.create_bucket(Bucket=bucket)


def _backend(name: str, dynamodb: Any, s3: Any, *, prefix: str, environment: str) -> Backend:
    bucket = os.environ.get("NEXUS_TEST_S3_BUCKET", "nexus-contract-offload")
    if not (EXTERNAL and name == "server"):
        _ensure_tables(dynamodb, prefix, environment)
    _ensure_bucket(s3, bucket)
    recorder = CallRecorder()
    client = DynamoClient(
        dynamodb, prefix=prefix, environment=environment, is_aws=False, recorder=recorder
    )
    store = S3ObjectStore(s3, bucket)
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


@pytest.fixture(params=["inprocess", "server"])
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
    endpoint = request.getfixturevalue("moto_endpoint")
    s3_endpoint = os.environ.get("NEXUS_TEST_S3_ENDPOINT", endpoint)
    dynamodb = make_boto_client("dynamodb", region=REGION, endpoint_url=endpoint)
    s3 = make_boto_client("s3", region=REGION, endpoint_url=s3_endpoint)
    prefix = os.environ.get("NEXUS_TEST_TABLE_PREFIX", "ctest") if EXTERNAL else "ctest"
    environment = os.environ.get("NEXUS_TEST_ENVIRONMENT", "dev") if EXTERNAL else "server"
    yield _backend("server", dynamodb, s3, prefix=prefix, environment=environment)
