"""Shared by the usage pipeline tests: a real Redis, and a container with its own table
prefix (so its tables and Redis keys are its own) over moto in-process or moto's server."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import redis

from adapters.dynamodb.bootstrap import create_missing
from adapters.dynamodb.catalog import tables_for
from nexus.config import NexusConfig, load_config
from nexus.container import Container, build_container

REPO = Path(__file__).resolve().parents[2]
FAR_PAST, FAR_FUTURE = "2000-01-01", "2999-12-31"


def live_redis_url() -> str:
    """The configured Redis, started by deploy/scripts/ensure-redis.sh when it is not up."""
    url = load_config().redis_url
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        subprocess.run([str(REPO / "deploy/scripts/ensure-redis.sh")], check=True)
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    return url


def usage_config(*, redis_url: str, endpoint: str | None = None, **changes: object) -> NexusConfig:
    """Analytics only, a fresh table prefix (hence a fresh Redis namespace)."""
    return replace(
        load_config(),
        table_prefix=f"u{uuid.uuid4().hex[:10]}",
        environment="local",
        dynamodb_endpoint=endpoint,
        s3_endpoint=endpoint,
        is_aws=False,
        features=("analytics",),
        redis_url=redis_url,
        **changes,  # type: ignore[arg-type]
    )


def usage_stack(cfg: NexusConfig) -> Iterator[Container]:
    """The container with its tables; its Redis keys are deleted afterwards."""
    built = build_container(cfg)
    create_missing(built.gateways.dynamo(), tables_for(cfg.features))
    try:
        yield built
    finally:
        keys = built.usage.keys()
        redis.Redis.from_url(load_config().redis_url).delete(*keys.all())


def buffered(built: Container) -> dict[str, int]:
    """What the Redis buffer still holds, pending or mid-flush."""
    keys, client = built.usage.keys(), built.usage.redis()
    return {name: len(client.hgetall(name)) for name in (keys.pending, keys.flushing)}
