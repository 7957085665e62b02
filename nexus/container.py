"""The root dependency-injector container: the only place that binds ports to adapters."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.dynamodb.client import CallRecorder, DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.session import make_boto_client
from adapters.s3.store import S3ObjectStore
from nexus.config import NexusConfig, config
from nexus.status import StoreStatus


class Gateways(containers.DeclarativeContainer):
    """Infrastructure: boto3 clients and the wrappers every repository shares (singletons)."""

    config = providers.Dependency(instance_of=NexusConfig)

    dynamodb_boto = providers.Singleton(
        make_boto_client,
        "dynamodb",
        region=config.provided.region,
        endpoint_url=config.provided.dynamodb_endpoint,
    )
    s3_boto = providers.Singleton(
        make_boto_client,
        "s3",
        region=config.provided.region,
        endpoint_url=config.provided.s3_endpoint,
    )
    # Bounded: keeps the latest records and running totals per (operation, table).
    recorder = providers.Singleton(CallRecorder)
    dynamo = providers.Singleton(
        DynamoClient,
        dynamodb_boto,
        prefix=config.provided.table_prefix,
        environment=config.provided.environment,
        is_aws=config.provided.is_aws,
        recorder=recorder,
    )
    object_store = providers.Singleton(S3ObjectStore, s3_boto, bucket=config.provided.s3_bucket)
    offloader = providers.Singleton(
        Offloader, object_store, threshold_bytes=config.provided.offload_threshold
    )
    cursor_signer = providers.Singleton(CursorSigner, config.provided.cursor_secret)


class Container(containers.DeclarativeContainer):
    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.Container(Gateways, config=config)
    store_status = providers.Factory(
        StoreStatus, dynamo=gateways.dynamo, features=config.provided.features
    )


_container: Container | None = None


def build_container(cfg: NexusConfig | None = None) -> Container:
    return Container(config=providers.Object(cfg or config()))


def set_container(replacement: Container | None) -> Container | None:
    """Swap the process-wide container (tests); returns the one it replaced."""
    global _container
    previous, _container = _container, replacement
    return previous


def container() -> Container:
    """The process-wide container, built on first use."""
    global _container
    if _container is None:
        _container = build_container()
    return _container
