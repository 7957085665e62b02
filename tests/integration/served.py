"""A container over moto's server in its own process, configured through the environment so
that a worker process started from the same environment sees the very same tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from adapters.dynamodb.bootstrap import create_missing
from adapters.dynamodb.catalog import tables_for
from nexus.config import load_config
from nexus.container import Container, build_container, set_container


def served_container(
    monkeypatch: Any, endpoint: str, features: tuple[str, ...], **env: str
) -> Iterator[Container]:
    """Tables of `features` under a table prefix of the test's own; `env` adds variables."""
    variables = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-2",
        "NEXUS_DYNAMODB_ENDPOINT": endpoint,
        "NEXUS_ENVIRONMENT": "dev",
        "NEXUS_TABLE_PREFIX": f"t{uuid.uuid4().hex[:8]}",
        "NEXUS_FEATURES": ",".join(features),
        **env,
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    cfg = replace(load_config(), is_aws=False)
    root = build_container(cfg)
    create_missing(root.gateways.dynamo(), tables_for(cfg.features))
    root.gateways.object_store().ensure_bucket()
    previous = set_container(root)
    try:
        yield root
    finally:
        set_container(previous)
