"""Templates: a listing (name, category, tags, visibility, ratings, uses, popularity) and its
flow content (nodes, edges, canvas, node configs) in numbered versions.

One template concept over two stores: the listing never holds content, the content never
holds listing fields. Popularity is derived (`popularity()`), never set by a caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domains.shared.clock import isoformat
from domains.shared.errors import ValidationFailed

VISIBILITIES = ("private", "organization", "public")
CATEGORIES = (
    "assistant",
    "retrieval",
    "automation",
    "analysis",
    "support",
    "content",
    "coding",
    "other",
)
SORTS = ("popularity", "rating", "recency")
MAX_CONFIGS = 90  # one /use writes them in the agent's transaction (100 actions at most)
USE_POINTS = 10  # popularity: each use ...
STAR_POINTS = 4  # ... and each star given


def invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"loc": [field_name], "msg": message}])


def check_text(field_name: str, raw: str, *, low: int, high: int) -> str:
    text = raw.strip()
    if not low <= len(text) <= high:
        raise invalid(field_name, f"{low} to {high} characters")
    return text


def check_choice(field_name: str, raw: str, allowed: Sequence[str]) -> str:
    if raw not in allowed:
        raise invalid(field_name, f"one of {list(allowed)}")
    return raw


def check_stars(stars: int) -> int:
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise invalid("stars", "a whole number from 1 to 5")
    return stars


def popularity(usage_count: int, rating_sum: int) -> int:
    """Uses count most, and every star counts: a use is worth USE_POINTS, a star STAR_POINTS
    (a changed rating moves it both ways). Never negative."""
    return max(0, USE_POINTS * usage_count + STAR_POINTS * rating_sum)


def rating_milli(rating_sum: int, rating_count: int) -> int:
    """The average rating in thousandths of a star (0 when unrated)."""
    return round(rating_sum * 1000 / rating_count) if rating_count else 0


@dataclass(frozen=True)
class Template:
    """The listing (META). `org_id` owns it; `created_by` is its author. The counters are
    kept by the store (ADDs) and the event pipeline, never by an edit."""

    org_id: str
    id: str
    name: str
    category: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    tags: frozenset[str] = frozenset()
    visibility: str = "organization"
    latest_version: int = 1
    rating_sum: int = 0
    rating_count: int = 0
    usage_count: int = 0
    popularity: int = 0
    version: int = 0

    @property
    def rating_average(self) -> float:
        return round(self.rating_sum / self.rating_count, 3) if self.rating_count else 0.0


@dataclass(frozen=True)
class TemplateContent:
    """One numbered version of a template's flow: nodes, edges and canvas as an agent's flow
    has them, and `configs` (node id -> that node's config)."""

    org_id: str
    template_id: str
    number: int
    created_by: str
    created_at: datetime
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    canvas: dict[str, Any] = field(default_factory=dict)
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class TemplateRating:
    """One user's stars for a template (one per user, changeable)."""

    org_id: str  # the template's organisation
    template_id: str
    user_id: str
    stars: int
    rated_at: datetime
    version: int = 0


def check_configs(
    configs: Mapping[str, Any], nodes: Sequence[Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Configs by node id: each names a node of the flow and is an object."""
    ids = {str(n.get("id")) for n in nodes}
    problems = []
    if len(configs) > MAX_CONFIGS:
        problems.append({"loc": ["configs"], "msg": f"at most {MAX_CONFIGS} node configs"})
    for node_id, config in configs.items():
        if node_id not in ids:
            problems.append({"loc": ["configs", node_id], "msg": "no node with this id"})
        elif not isinstance(config, dict):
            problems.append({"loc": ["configs", node_id], "msg": "must be an object"})
    if problems:
        raise ValidationFailed("the node configs do not fit the flow", errors=problems)
    return {k: dict(v) for k, v in configs.items()}


def sort_key(template: Template, sort: str) -> str:
    """The text a list is ordered by (descending), unique by the id at its end; the store's
    public indexes use exactly these as their sort keys."""
    if sort == "popularity":
        return f"{template.popularity:012d}#{template.id}"
    if sort == "rating":
        average = rating_milli(template.rating_sum, template.rating_count)
        return f"{average:04d}#{template.rating_count:08d}#{template.id}"
    return f"{isoformat(template.updated_at)}#{template.id}"


@dataclass(frozen=True)
class TemplateQuery:
    """What a caller lists: `org_id`/`viewer` are who asks; the rest are filters. Without a
    `visibility` the list is everything the caller may read: the organisation's templates
    (private ones only the viewer's own) and public ones of every organisation. `author`
    names a member of the caller's organisation (other organisations' authors are not
    shown, so they cannot be filtered on either)."""

    org_id: str
    viewer: str
    sort: str = "popularity"
    visibility: str | None = None
    category: str | None = None
    tag: str | None = None
    author: str | None = None
    text: str | None = None

    @property
    def wants_org(self) -> bool:
        return self.visibility in (None, "private", "organization")

    @property
    def wants_public(self) -> bool:
        return self.visibility in (None, "public")

    def matches(self, t: Template) -> bool:
        """Readable by the viewer and passing every filter."""
        return (
            readable(t, self.org_id, self.viewer)
            and (self.visibility is None or t.visibility == self.visibility)
            and (self.category is None or t.category == self.category)
            and (self.tag is None or self.tag in t.tags)
            and (self.author is None or (t.created_by == self.author and t.org_id == self.org_id))
            and (self.text is None or self.text in f"{t.name}\n{t.description}".lower())
        )


def readable(t: Template, org_id: str, user_id: str) -> bool:
    """Public: anyone's; organization: its members'; private: its author's only."""
    if t.visibility == "public":
        return True
    if t.org_id != org_id:
        return False
    return t.visibility == "organization" or t.created_by == user_id
