"""boto3 clients: adaptive retries, timeouts, fake credentials only for local endpoints."""

from __future__ import annotations

import pytest

from adapters.dynamodb.session import make_boto_client


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", f"{tmp_path}/none")
    monkeypatch.setenv("AWS_CONFIG_FILE", f"{tmp_path}/none")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.usefixtures("no_credentials")
def test_local_endpoint_gets_fake_credentials_and_adaptive_retries() -> None:
    client = make_boto_client("dynamodb", region="eu-west-1", endpoint_url="http://127.0.0.1:1")
    assert client.meta.endpoint_url == "http://127.0.0.1:1"
    assert client._request_signer._credentials.access_key == "local-testing"
    assert client.meta.config.retries["mode"] == "adaptive"
    assert client.meta.config.connect_timeout == 2.0


@pytest.mark.usefixtures("no_credentials")
def test_configured_credentials_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-env")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    client = make_boto_client("s3", region="eu-west-1", endpoint_url="http://127.0.0.1:1")
    assert client._request_signer._credentials.access_key == "from-env"
