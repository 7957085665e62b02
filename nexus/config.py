"""Runtime configuration read from the environment, with documented defaults.

| variable | default | meaning |
|---|---|---|
| NEXUS_ENVIRONMENT | local | dev, staging, prod or local; part of every table name |
| NEXUS_TABLE_PREFIX | ainw | first part of every table name (`ainw-dev-projects`) |
| NEXUS_FEATURES | all | comma-separated feature names, `all` or `none` (base tables always) |
| NEXUS_DYNAMODB_ENDPOINT | (AWS) | a local DynamoDB endpoint such as moto's server |
| NEXUS_S3_ENDPOINT | the DynamoDB endpoint | a local S3 endpoint |
| NEXUS_S3_BUCKET | <prefix>-<environment>-content | bucket for uploads and offloaded attributes |
| NEXUS_OFFLOAD_THRESHOLD | 350000 | item size in bytes above which attributes move to S3 |
| AWS_REGION | us-east-2 | AWS region |
| NEXUS_SECRET_KEY | a dev-only key | Django's secret key; required outside local/dev |
| NEXUS_CURSOR_SECRET | derived from the secret key | HMAC key of pagination cursors |
| NEXUS_REDIS_URL | redis://127.0.0.1:6379/0 | Celery broker and beat schedule |
| NEXUS_DEBUG | true in local, else false | Django debug mode |
| NEXUS_EMULATED_STORE | 0 | 1 when boto3 is intercepted in-process (moto): capacity is computed |
| NEXUS_ACCESS_TTL | 900 | lifetime of an access token, seconds |
| NEXUS_REFRESH_TTL_DAYS | 30 | lifetime of a refresh-token session, days |
| NEXUS_INVITATION_TTL_DAYS | 7 | how long an invitation can be accepted, days |
| NEXUS_CONTENT_MAX_BYTES | 52428800 | largest accepted upload (50 MB) |
| NEXUS_CONTENT_PENDING_HOURS | 24 | an unconfirmed upload record expires after this |
| NEXUS_CONTENT_URL_TTL | 900 | lifetime of a presigned upload or download URL, seconds |
| NEXUS_AUDIT_RETENTION_DAYS | 30 local/dev, 365 staging/prod | TTL of audit entries |
| NEXUS_LOGIN_LIMIT | 5 | failed sign-ins per account or address per 15 minutes |
| NEXUS_OIDC_ISSUER | (none) | trust RS256 tokens of this issuer (e.g. Cognito) ... |
| NEXUS_OIDC_JWKS | (none) | ... verified with this JWKS (a URL or a file path) |
| NEXUS_OIDC_AUDIENCE | (none) | ... and this audience, when set |
| NEXUS_ALLOWED_HOSTS | 127.0.0.1,localhost,testserver | Django ALLOWED_HOSTS |
| NEXUS_CELERY_QUEUE | celery | the queue workers consume and tasks go to (nexus/celery_app.py) |
| NEXUS_USAGE_FLUSH_SECONDS | 10 | how often beat sends the usage flush (Redis -> DynamoDB) |
| NEXUS_USAGE_LOCK_SECONDS | 30 | the usage flush's lease, renewed while it runs |
| NEXUS_COST_FLUSH_SECONDS | 60 | how often each process flushes its DynamoDB capacity units |
| NEXUS_COST_READ_PRICE | 0.125 | USD per million read request units (on-demand, us-east) |
| NEXUS_COST_WRITE_PRICE | 0.625 | USD per million write request units (on-demand, us-east) |
| NEXUS_COST_STORAGE_PRICE | 0.25 | USD per GB-month of table storage (us-east) |
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache

from adapters.dynamodb.catalog import FEATURES
from adapters.dynamodb.cost import DEFAULT_PRICES, Prices

DEV_SECRET = "nexus-dev-only-secret-do-not-use-in-production"
ENVIRONMENTS = ("local", "dev", "staging", "prod")


class ConfigError(ValueError):
    """The environment asks for something impossible; the message names the variable."""


def parse_features(raw: str) -> tuple[str, ...]:
    raw = raw.strip().lower()
    if raw in ("", "all"):
        return FEATURES
    if raw == "none":
        return ()
    names = tuple(dict.fromkeys(n.strip() for n in raw.split(",") if n.strip()))
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ConfigError(f"NEXUS_FEATURES names unknown features {unknown}; known: {FEATURES}")
    return tuple(f for f in FEATURES if f in names)


@dataclass(frozen=True)
class NexusConfig:
    environment: str
    table_prefix: str
    features: tuple[str, ...]
    region: str
    dynamodb_endpoint: str | None
    s3_endpoint: str | None
    s3_bucket: str
    offload_threshold: int
    secret_key: str
    cursor_secret: bytes
    redis_url: str
    debug: bool
    allowed_hosts: tuple[str, ...]
    is_aws: bool
    jwt_secret: str = ""
    access_ttl: int = 900
    refresh_ttl_days: int = 30
    invitation_ttl_days: int = 7
    audit_retention_days: int = 30
    content_max_bytes: int = 50 * 1024 * 1024
    content_pending_hours: int = 24
    content_url_ttl: int = 900
    login_limit: int = 5
    oidc_issuer: str | None = None
    oidc_jwks: str | None = None
    oidc_audience: str | None = None
    usage_flush_seconds: float = 10.0
    usage_lock_seconds: float = 30.0
    cost_flush_seconds: float = 60.0
    cost_prices: Prices = DEFAULT_PRICES


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _content_settings() -> tuple[int, int, int]:
    """Upload limits: largest size in bytes, hours a pending upload lives, URL lifetime (s)."""
    max_bytes = int(_env("NEXUS_CONTENT_MAX_BYTES", str(50 * 1024 * 1024)))
    pending_hours = int(_env("NEXUS_CONTENT_PENDING_HOURS", "24"))
    url_ttl = int(_env("NEXUS_CONTENT_URL_TTL", "900"))
    if not 1 <= max_bytes <= 5 * 1024**3:
        raise ConfigError("NEXUS_CONTENT_MAX_BYTES must be between 1 and 5 GiB (one S3 PUT)")
    if not 1 <= pending_hours <= 24 * 7:
        raise ConfigError("NEXUS_CONTENT_PENDING_HOURS must be between 1 and 168")
    if not 60 <= url_ttl <= 7 * 24 * 3600:
        raise ConfigError("NEXUS_CONTENT_URL_TTL must be between 60 s and 7 days")
    return max_bytes, pending_hours, url_ttl


def _seconds(name: str, default: str) -> float:
    value = float(_env(name, default))
    if not 0.1 <= value <= 3600:
        raise ConfigError(f"{name} must be between 0.1 and 3600 seconds")
    return value


def _cost_prices() -> Prices:
    """On-demand prices of the cost report (defaults: us-east list prices)."""
    prices = Prices(
        read_per_million=float(_env("NEXUS_COST_READ_PRICE", str(DEFAULT_PRICES.read_per_million))),
        write_per_million=float(
            _env("NEXUS_COST_WRITE_PRICE", str(DEFAULT_PRICES.write_per_million))
        ),
        storage_per_gb_month=float(
            _env("NEXUS_COST_STORAGE_PRICE", str(DEFAULT_PRICES.storage_per_gb_month))
        ),
    )
    if min(vars(prices).values()) < 0:
        raise ConfigError("NEXUS_COST_*_PRICE must not be negative")
    return prices


def load_config() -> NexusConfig:
    environment = _env("NEXUS_ENVIRONMENT", "local")
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"NEXUS_ENVIRONMENT must be one of {ENVIRONMENTS}, not {environment!r}")
    prefix = _env("NEXUS_TABLE_PREFIX", "ainw")
    secret = _env("NEXUS_SECRET_KEY", DEV_SECRET)
    if secret == DEV_SECRET and environment in ("staging", "prod"):
        raise ConfigError("NEXUS_SECRET_KEY must be set in staging and prod")
    cursor_secret = (
        os.environ.get("NEXUS_CURSOR_SECRET")
        or hashlib.sha256(b"cursor:" + secret.encode()).hexdigest()
    )
    dynamo_endpoint = os.environ.get("NEXUS_DYNAMODB_ENDPOINT") or None
    threshold = int(_env("NEXUS_OFFLOAD_THRESHOLD", "350000"))
    if not 1_000 <= threshold < 400_000:
        raise ConfigError("NEXUS_OFFLOAD_THRESHOLD must be between 1000 and 399999 bytes")
    invitation_days = int(_env("NEXUS_INVITATION_TTL_DAYS", "7"))
    if not 1 <= invitation_days <= 90:
        raise ConfigError("NEXUS_INVITATION_TTL_DAYS must be between 1 and 90")
    content_max, content_pending, content_url_ttl = _content_settings()
    return NexusConfig(
        environment=environment,
        table_prefix=prefix,
        features=parse_features(_env("NEXUS_FEATURES", "all")),
        region=_env("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION", "us-east-2")),
        dynamodb_endpoint=dynamo_endpoint,
        s3_endpoint=os.environ.get("NEXUS_S3_ENDPOINT") or dynamo_endpoint,
        s3_bucket=_env("NEXUS_S3_BUCKET", f"{prefix}-{environment}-content"),
        offload_threshold=threshold,
        secret_key=secret,
        cursor_secret=cursor_secret.encode(),
        redis_url=_env("NEXUS_REDIS_URL", "redis://127.0.0.1:6379/0"),
        debug=_env("NEXUS_DEBUG", "true" if environment == "local" else "false").lower()
        in ("1", "true", "yes"),
        jwt_secret=hashlib.sha256(b"jwt:" + secret.encode()).hexdigest(),
        access_ttl=int(_env("NEXUS_ACCESS_TTL", "900")),
        refresh_ttl_days=int(_env("NEXUS_REFRESH_TTL_DAYS", "30")),
        invitation_ttl_days=invitation_days,
        audit_retention_days=int(
            _env(
                "NEXUS_AUDIT_RETENTION_DAYS", "365" if environment in ("staging", "prod") else "30"
            )
        ),
        login_limit=int(_env("NEXUS_LOGIN_LIMIT", "5")),
        content_max_bytes=content_max,
        content_pending_hours=content_pending,
        content_url_ttl=content_url_ttl,
        oidc_issuer=os.environ.get("NEXUS_OIDC_ISSUER") or None,
        oidc_jwks=os.environ.get("NEXUS_OIDC_JWKS") or None,
        oidc_audience=os.environ.get("NEXUS_OIDC_AUDIENCE") or None,
        usage_flush_seconds=_seconds("NEXUS_USAGE_FLUSH_SECONDS", "10"),
        usage_lock_seconds=_seconds("NEXUS_USAGE_LOCK_SECONDS", "30"),
        cost_flush_seconds=_seconds("NEXUS_COST_FLUSH_SECONDS", "60"),
        cost_prices=_cost_prices(),
        is_aws=dynamo_endpoint is None and _env("NEXUS_EMULATED_STORE", "0") != "1",
        allowed_hosts=tuple(
            h.strip()
            for h in _env("NEXUS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
            if h.strip()
        ),
    )


@cache
def config() -> NexusConfig:
    """The process-wide configuration, read once."""
    return load_config()
