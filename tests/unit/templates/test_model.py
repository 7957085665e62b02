"""The template rules with no I/O: popularity, sort keys, who reads what, query filters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domains.agents.templates.model import (
    Template,
    TemplateQuery,
    check_configs,
    check_stars,
    popularity,
    rating_milli,
    readable,
    sort_key,
)
from domains.shared.errors import ValidationFailed

AT = datetime(2026, 12, 1, tzinfo=UTC)


def _t(**extra: object) -> Template:
    fields: dict[str, object] = {
        "org_id": "o1",
        "id": "t1",
        "name": "RAG Starter",
        "category": "retrieval",
        "created_by": "u1",
        "created_at": AT,
        "updated_at": AT,
        **extra,
    }
    return Template(**fields)  # type: ignore[arg-type]


def test_popularity_counts_uses_and_stars() -> None:
    assert popularity(0, 0) == 0
    assert popularity(3, 0) == 30
    assert popularity(1, 9) == 46
    assert popularity(0, -5) == 0  # never negative


def test_sort_keys_order_as_their_values() -> None:
    low, high = _t(popularity=9), _t(popularity=10)
    assert sort_key(high, "popularity") > sort_key(low, "popularity")
    better = _t(rating_sum=9, rating_count=2)  # 4.5
    worse = _t(rating_sum=12, rating_count=3)  # 4.0
    assert sort_key(better, "rating") > sort_key(worse, "rating")
    assert rating_milli(9, 2) == 4500 and rating_milli(0, 0) == 0
    later = _t(updated_at=datetime(2026, 12, 2, tzinfo=UTC))
    assert sort_key(later, "recency") > sort_key(_t(), "recency")
    assert sort_key(_t(), "recency").endswith("#t1")


def test_who_reads_what() -> None:
    assert readable(_t(visibility="public"), "other-org", "anyone")
    assert readable(_t(visibility="organization"), "o1", "u2")
    assert not readable(_t(visibility="organization"), "o2", "u2")
    assert readable(_t(visibility="private"), "o1", "u1")
    assert not readable(_t(visibility="private"), "o1", "u2")


def test_query_filters() -> None:
    t = _t(tags=frozenset({"rag"}), description="Answers from documents")
    ask = TemplateQuery(org_id="o1", viewer="u2")
    assert ask.matches(t)
    assert TemplateQuery("o1", "u2", text="documents").matches(t)
    assert not TemplateQuery("o1", "u2", text="spreadsheet").matches(t)
    assert not TemplateQuery("o1", "u2", tag="sql").matches(t)
    assert not TemplateQuery("o1", "u2", category="coding").matches(t)
    assert TemplateQuery("o1", "u2", author="u1").matches(t)
    assert not TemplateQuery("o1", "u2", visibility="public").matches(t)
    assert TemplateQuery("o1", "u2", visibility="public").wants_public
    assert not TemplateQuery("o1", "u2", visibility="public").wants_org


def test_configs_must_name_nodes_and_stars_are_one_to_five() -> None:
    nodes = [{"id": "a"}]
    assert check_configs({"a": {"x": 1}}, nodes) == {"a": {"x": 1}}
    with pytest.raises(ValidationFailed) as bad:
        check_configs({"b": {}}, nodes)
    assert bad.value.errors[0]["loc"] == ["configs", "b"]
    assert check_stars(5) == 5
    for wrong in (0, 6, True):
        with pytest.raises(ValidationFailed):
            check_stars(wrong)  # type: ignore[arg-type]
