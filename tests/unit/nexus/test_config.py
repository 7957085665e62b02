import pytest

from adapters.dynamodb.catalog import FEATURES
from nexus.config import ConfigError, load_config, parse_features


def test_features_parse_all_none_and_lists_in_canonical_order():
    assert parse_features("all") == FEATURES
    assert parse_features("") == FEATURES
    assert parse_features("none") == ()
    assert parse_features("analytics, ai_lab,ai_lab") == ("ai_lab", "analytics")


def test_unknown_feature_is_a_clear_error():
    with pytest.raises(ConfigError, match="unknown features"):
        parse_features("ai_lab,telepathy")


def test_defaults(monkeypatch):
    for name in ("NEXUS_ENVIRONMENT", "NEXUS_DYNAMODB_ENDPOINT", "NEXUS_S3_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    cfg = load_config()
    assert cfg.environment == "local" and cfg.table_prefix == "ainw"
    assert cfg.is_aws and cfg.s3_bucket == "ainw-local-content"


def test_production_requires_a_secret(monkeypatch):
    monkeypatch.setenv("NEXUS_ENVIRONMENT", "prod")
    monkeypatch.delenv("NEXUS_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="NEXUS_SECRET_KEY"):
        load_config()


def test_s3_endpoint_follows_the_dynamodb_endpoint(monkeypatch):
    monkeypatch.setenv("NEXUS_DYNAMODB_ENDPOINT", "http://127.0.0.1:4566")
    monkeypatch.delenv("NEXUS_S3_ENDPOINT", raising=False)
    cfg = load_config()
    assert not cfg.is_aws and cfg.s3_endpoint == "http://127.0.0.1:4566"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEXUS_ENVIRONMENT", "moon"),
        ("NEXUS_OFFLOAD_THRESHOLD", "500000"),
        ("NEXUS_INVITATION_TTL_DAYS", "0"),
        ("NEXUS_USAGE_FLUSH_SECONDS", "0"),
        ("NEXUS_USAGE_LOCK_SECONDS", "7200"),
    ],
)
def test_impossible_settings_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_config()
