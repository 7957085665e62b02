"""The registry's rules on fields, without services: names, words, artifact URIs, metrics,
endpoints, signatures, and a version's deployment history (capped, newest kept)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domains.lab.registry.model import (
    MAX_HISTORY,
    ModelVersion,
    check_alias,
    check_artifact,
    check_endpoint,
    check_metrics,
    check_name,
    check_signature,
    check_word,
)
from domains.shared.errors import Conflict, ValidationFailed

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("good", ["churn-xgb", "Churn model v2", "a", "x" * 100, "m_1.0"])
def test_names_accepted(good: str) -> None:
    assert check_name(f"  {good} ") == good


@pytest.mark.parametrize("bad", ["", " ", "-lead", "x" * 101, "emoji 🙂", "a/b"])
def test_names_refused(bad: str) -> None:
    with pytest.raises(ValidationFailed):
        check_name(bad)


def test_words_are_lowercased_and_bounded() -> None:
    assert check_word("task", " Classification ") == "classification"
    for bad in ("", "two words", "x" * 41, "ünï"):
        with pytest.raises(ValidationFailed):
            check_word("task", bad)


@pytest.mark.parametrize("good", ["s3://models/churn/1", "s3://my.bucket-1/a/b/c.tar.gz"])
def test_artifact_uris_accepted(good: str) -> None:
    assert check_artifact(good) == good


@pytest.mark.parametrize(
    "bad", ["https://x/y", "s3://", "s3://b/", "s3://UPPER/k", "s3://bucket/a b"]
)
def test_artifact_uris_refused(bad: str) -> None:
    with pytest.raises(ValidationFailed):
        check_artifact(bad)


def test_metrics_are_named_finite_numbers() -> None:
    assert check_metrics({"auc": 1, "val/loss": 0.5}) == {"auc": 1.0, "val/loss": 0.5}
    with pytest.raises(ValidationFailed) as refused:
        check_metrics({"bad name": 1, "flag": True, "nan": float("nan"), "ok": 2})
    assert sorted(e["loc"][1] for e in refused.value.errors) == ["bad name", "flag", "nan"]
    with pytest.raises(ValidationFailed):
        check_metrics({f"m{i}": i for i in range(51)})


def test_endpoints_take_known_fields_and_http_urls() -> None:
    assert check_endpoint({"url": "https://x.example/p", "replicas": 2, "region": None}) == {
        "url": "https://x.example/p",
        "replicas": 2,
    }
    for bad in ({"url": "ftp://x"}, {"port": 80}):
        with pytest.raises(ValidationFailed):
            check_endpoint(bad)


def test_signatures_and_aliases() -> None:
    assert check_signature({"inputs": []}) == {"inputs": []}
    with pytest.raises(ValidationFailed):
        check_signature({"inputs": ["x" * 16_000]})
    assert check_alias("champion") == "champion"
    for bad in ("Champion", "1st", "", "x" * 41):
        with pytest.raises(ValidationFailed):
            check_alias(bad)


def test_history_keeps_the_newest_changes() -> None:
    version = ModelVersion(
        "o", "m", 1, "n", "t", "f", "p", "s3://b/k", "u", T0, T0, deployment_status="failed"
    )
    for i in range(MAX_HISTORY + 10):
        at = T0 + timedelta(minutes=i)
        version = version.deployed("deploying", at=at, by="u", endpoint={})
        version = replace(version, deployment_status="failed")
    assert len(version.history) == MAX_HISTORY
    assert version.history[-1].changed_at == T0 + timedelta(minutes=MAX_HISTORY + 9)
    with pytest.raises(Conflict) as refused:
        replace(version, deployment_status="retired").deployed(
            "deploying", at=T0, by="u", endpoint={}
        )
    assert refused.value.context["allowed"] == []
