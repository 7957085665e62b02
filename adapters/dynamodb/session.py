"""Builds boto3 clients with adaptive retries and short timeouts, for AWS or a local endpoint."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

DEFAULT_MAX_ATTEMPTS = 5
CONNECT_TIMEOUT_S = 2.0
READ_TIMEOUT_S = 10.0
_FAKE_KEY = "local-testing"


def client_config(*, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Config:
    """Adaptive retries back off and rate-limit on throttling; timeouts keep requests bounded."""
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        max_pool_connections=32,
    )


def make_boto_client(
    service: str,
    *,
    region: str,
    endpoint_url: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> Any:
    """A low-level client; a local endpoint with no credentials configured gets fake ones."""
    session: Any = boto3.session.Session(region_name=region)
    kwargs: dict[str, Any] = {"config": client_config(max_attempts=max_attempts)}
    if endpoint_url:
        kwargs["endpoint_url"] = endpoint_url
        if session.get_credentials() is None:
            kwargs["aws_access_key_id"] = _FAKE_KEY
            kwargs["aws_secret_access_key"] = _FAKE_KEY
    return session.client(service, **kwargs)
