"""`python -m nexus.devrun` (what `make dev` runs): health, saved data across a restart, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3

from adapters.dynamodb.catalog import FEATURES
from nexus.embedded import free_port

REPO = Path(__file__).resolve().parents[2]


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the dev runner exited early"
        try:
            if _get(f"{url}/api/ready")[0] == 200:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError("the dev runner never became ready")


def _port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@contextmanager
def dev_runner(data_dir: Path, api_port: int, store_port: int) -> Iterator[str]:
    env = {
        **os.environ,
        "NEXUS_DATA_DIR": str(data_dir),
        "NEXUS_PORT": str(api_port),
        "NEXUS_EMBEDDED_PORT": str(store_port),
        "NEXUS_SNAPSHOT_INTERVAL": "600",
        "NEXUS_ENVIRONMENT": "local",
        "NEXUS_FEATURES": "all",
    }
    env.pop("NEXUS_DYNAMODB_ENDPOINT", None)
    env.pop("NEXUS_S3_ENDPOINT", None)
    process = subprocess.Popen([sys.executable, "-m", "nexus.devrun"], cwd=REPO, env=env)
    url = f"http://127.0.0.1:{api_port}"
    try:
        _wait_ready(url, process)
        yield url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert process.wait(timeout=60) == 0


def _clients(store_port: int) -> tuple[object, object]:
    options = {
        "endpoint_url": f"http://127.0.0.1:{store_port}",
        "region_name": "us-east-2",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    return boto3.client("dynamodb", **options), boto3.client("s3", **options)


def _post(url: str, body: dict, token: str = "", **headers: str) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in headers.items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _outbox(dynamodb) -> list:  # type: ignore[no-untyped-def]
    items = dynamodb.scan(TableName="ainw-local-system-logs")["Items"]
    return [i for i in items if i["pk"]["S"].startswith("OUTBOX#")]


def _a_change_is_relayed_by_the_background_worker(url: str, dynamodb) -> None:  # type: ignore[no-untyped-def]
    """`make dev` runs a worker and beat (Redis answers here): a change's event leaves the
    outbox within seconds, without anyone calling the relay."""
    account = {"email": "dev@example.com", "password": "correct horse battery 9"}
    _post(f"{url}/api/auth/register", account)
    token = _post(f"{url}/api/auth/login", account)["access_token"]
    org = _post(f"{url}/api/organizations", {"name": "Dev"}, token)
    _post(f"{url}/api/workspaces", {"name": "W"}, token, **{"X-Organization-Id": org["id"]})
    deadline = time.monotonic() + 60
    while _outbox(dynamodb) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _outbox(dynamodb) == [], "the background worker never relayed the outbox"


def test_dev_runner_serves_health_keeps_data_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    api_port, store_port = free_port(), free_port()
    item = {"pk": {"S": "ORG#e2e"}, "sk": {"S": "PROJECT#1"}, "name": {"S": "survives"}}
    with dev_runner(tmp_path, api_port, store_port) as url:
        status, health = _get(f"{url}/api/health")
        assert status == 200
        features = {f["name"]: f for f in health["features"]}
        assert set(features) == {"base", *FEATURES}
        assert all(
            f["enabled"] and f["tables_present"] and not f["tables_missing"]
            for f in features.values()
        )
        dynamodb, s3 = _clients(store_port)
        _a_change_is_relayed_by_the_background_worker(url, dynamodb)
        dynamodb.put_item(TableName="ainw-local-projects", Item=item)
        s3.put_object(Bucket="ainw-local-content", Key="e2e/hello.txt", Body=b"hello")
    assert _port_closed(api_port) and _port_closed(store_port), "Ctrl-C left a process running"
    assert (tmp_path / "dynamodb" / "manifest.json").exists()

    with dev_runner(tmp_path, api_port, store_port):
        dynamodb, s3 = _clients(store_port)
        key = {"pk": item["pk"], "sk": item["sk"]}
        assert dynamodb.get_item(TableName="ainw-local-projects", Key=key)["Item"] == item
        body = s3.get_object(Bucket="ainw-local-content", Key="e2e/hello.txt")["Body"].read()
        assert body == b"hello"
    assert _port_closed(api_port) and _port_closed(store_port)
