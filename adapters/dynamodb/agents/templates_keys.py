"""The one key builder of the marketplace's two tables.

`agent-templates`: a template's partition holds its listing (META), its ratings
(RATING#<user>) and its use records (USE#<event id>: a use is counted once per event). The
listing's indexes: gsi1 the organisation's, gsi4 an author's (any visibility), and for public
templates only (sparse: the keys are removed when a template stops being public) gsi2 by
category and gsi5 over every category (newest first), gsi3 by popularity and gsi6 by rating,
each write-sharded over PUBLIC_SHARDS partitions, and gsi7 to find a public template by id
alone. The popularity and rating sort keys (gsi3sk, gsi6sk) are kept on every listing, so
publishing a template only adds the partition keys.

`flow-templates`: a template's content versions, V#<n:08d> (the listing names the newest).
"""

from __future__ import annotations

import zlib

from domains.agents.templates.model import Template, sort_key

PUBLIC_SHARDS = 10
META = "META"
RATING_PREFIX = "RATING#"
USE_PREFIX = "USE#"
VERSION_PREFIX = "V#"


def template_partition(org_id: str, template_id: str) -> str:
    return f"ORG#{org_id}#TEMPLATE#{template_id}"


def template_key(org_id: str, template_id: str) -> dict[str, str]:
    return {"pk": template_partition(org_id, template_id), "sk": META}


def rating_key(org_id: str, template_id: str, user_id: str) -> dict[str, str]:
    return {"pk": template_partition(org_id, template_id), "sk": f"{RATING_PREFIX}{user_id}"}


def use_key(org_id: str, template_id: str, use_id: str) -> dict[str, str]:
    return {"pk": template_partition(org_id, template_id), "sk": f"{USE_PREFIX}{use_id}"}


def content_key(org_id: str, template_id: str, number: int) -> dict[str, str]:
    return {"pk": template_partition(org_id, template_id), "sk": f"{VERSION_PREFIX}{number:08d}"}


def org_templates_partition(org_id: str) -> str:
    return f"ORG#{org_id}#TEMPLATES"


def author_partition(user_id: str) -> str:
    return f"AUTHOR#{user_id}"


def public_shard(template_id: str) -> int:
    """A stable shard per template, so public writes spread over PUBLIC_SHARDS partitions."""
    return zlib.crc32(template_id.encode()) % PUBLIC_SHARDS


def category_partition(category: str, shard: int) -> str:
    return f"PUBLIC#CAT#{category}#{shard}"


def newest_partition(shard: int) -> str:
    return f"PUBLIC#NEW#{shard}"


def popular_partition(shard: int) -> str:
    return f"PUBLIC#POP#{shard}"


def rated_partition(shard: int) -> str:
    return f"PUBLIC#RATED#{shard}"


def public_id_partition(template_id: str) -> str:
    return f"PUBLIC#TEMPLATE#{template_id}"


# The public index of each sort, without a category (gsi2 serves recency in one category).
PUBLIC_INDEX = {"recency": "gsi5", "popularity": "gsi3", "rating": "gsi6"}


def public_partition(index: str, shard: int, category: str | None) -> str:
    if index == "gsi2":
        return category_partition(category or "", shard)
    return {"gsi5": newest_partition, "gsi3": popular_partition, "gsi6": rated_partition}[index](
        shard
    )


def listing_keys(t: Template) -> dict[str, str | None]:
    """The index keys an edit sets (None removes): every index but the counters' sort keys."""
    recency = sort_key(t, "recency")
    public = t.visibility == "public"
    shard = public_shard(t.id)
    return {
        "gsi1pk": org_templates_partition(t.org_id),
        "gsi1sk": recency,
        "gsi4pk": author_partition(t.created_by),
        "gsi4sk": recency,
        "gsi2pk": category_partition(t.category, shard) if public else None,
        "gsi2sk": recency if public else None,
        "gsi5pk": newest_partition(shard) if public else None,
        "gsi5sk": recency if public else None,
        "gsi3pk": popular_partition(shard) if public else None,
        "gsi6pk": rated_partition(shard) if public else None,
        "gsi7pk": public_id_partition(t.id) if public else None,
        "gsi7sk": f"ORG#{t.org_id}" if public else None,
    }


def counter_keys(t: Template) -> dict[str, str]:
    """The sort keys that follow the counters (set by the stats refresh)."""
    return {"gsi3sk": sort_key(t, "popularity"), "gsi6sk": sort_key(t, "rating")}
