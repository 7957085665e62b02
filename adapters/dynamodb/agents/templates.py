"""The marketplace in `agent-templates` (listings, ratings, use records) and `flow-templates`
(content versions); key formats in templates_keys.

A list merges up to eleven sources under one signed cursor: the organisation's templates
(gsi1) and the public ones of every organisation (one Query per shard of the sort's public
index). The cursor is the last returned template's sort key (unique: it ends with the id), so
each source goes on strictly below it and nothing is skipped or repeated. The public indexes
are sorted by the sort itself; the organisation's is by update time, so sorting it by
popularity or rating reads the organisation's listing whole (ORG_SORT_CAP at most).
"""

from __future__ import annotations

import builtins
import hashlib
import json
import random
from collections.abc import Iterable
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.agents.templates_keys import (
    PUBLIC_INDEX,
    PUBLIC_SHARDS,
    VERSION_PREFIX,
    author_partition,
    content_key,
    counter_keys,
    listing_keys,
    org_templates_partition,
    public_id_partition,
    public_partition,
    rating_key,
    template_key,
    template_partition,
    use_key,
)
from adapters.dynamodb.codec import encode_item
from adapters.dynamodb.expressions import Expressions
from adapters.dynamodb.offload import pointer_uris
from adapters.dynamodb.reading import collect, query_request
from adapters.dynamodb.staged import StagedRepository
from domains.agents.templates.model import (
    Template,
    TemplateContent,
    TemplateQuery,
    TemplateRating,
    popularity,
    sort_key,
)
from domains.shared.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    Throttled,
    TransactionCancelled,
)
from domains.shared.pagination import Page, PageRequest

TABLE = "agent-templates"
CONTENT_TABLE = "flow-templates"
STALE = PreconditionFailed("the template changed since it was read")
STALE_RATING = Conflict("your rating changed meanwhile; read it and try again")
GONE = NotFound("template not found")
PURGE_CHUNK = 25
ORG_SORT_CAP = 1000
USE_ATTEMPTS = 8


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class DynamoTemplateRepository(StagedRepository[Template]):
    table = TABLE

    def to_item(self, entity: Template) -> dict[str, Any]:
        return {
            **template_key(entity.org_id, entity.id),
            **listing_keys(entity),
            **counter_keys(entity),
            **self._edited(entity),
            "org_id": entity.org_id,
            "id": entity.id,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
            "rating_sum": entity.rating_sum,
            "rating_count": entity.rating_count,
            "usage_count": entity.usage_count,
            "popularity": entity.popularity,
        }

    @staticmethod
    def _edited(entity: Template) -> dict[str, Any]:
        return {
            "name": entity.name,
            "description": entity.description,
            "category": entity.category,
            "tags": set(entity.tags),
            "visibility": entity.visibility,
            "latest_version": entity.latest_version,
            "updated_at": entity.updated_at,
        }

    def from_item(self, item: dict[str, Any]) -> Template:
        return Template(
            org_id=item["org_id"],
            id=item["id"],
            name=item["name"],
            category=item["category"],
            created_by=item["created_by"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            description=item.get("description", ""),
            tags=frozenset(item.get("tags", ())),
            visibility=item["visibility"],
            latest_version=int(item["latest_version"]),
            rating_sum=int(item.get("rating_sum", 0)),
            rating_count=int(item.get("rating_count", 0)),
            usage_count=int(item.get("usage_count", 0)),
            popularity=int(item.get("popularity", 0)),
            version=item.get("version", 0),
        )

    # -- reads ---------------------------------------------------------------------------------

    def get(self, org_id: str, template_id: str, *, consistent: bool = False) -> Template | None:
        return self._get(template_key(org_id, template_id), consistent=consistent)

    def get_public(self, template_id: str) -> Template | None:
        key = Key("gsi7pk").eq(public_id_partition(template_id))
        found = self._query_page(key, index="gsi7", page=PageRequest(1)).items
        return found[0] if found else None

    def list_org(self, org_id: str, page: PageRequest) -> Page[Template]:
        key = Key("gsi1pk").eq(org_templates_partition(org_id))
        return self._query_page(key, index="gsi1", page=page, scan_forward=False)

    def list_author(self, user_id: str, page: PageRequest) -> Page[Template]:
        key = Key("gsi4pk").eq(author_partition(user_id))
        return self._query_page(key, index="gsi4", page=page, scan_forward=False)

    def list(self, query: TemplateQuery, page: PageRequest) -> Page[Template]:
        scope = self._scope(query)
        after = self._cursors.decode(page.cursor, scope)["after"]["S"] if page.cursor else None
        wanted = page.limit + 1
        found: dict[str, Template] = {}
        if query.wants_org:
            found.update((t.id, t) for t in self._org_source(query, after, wanted))
        if query.wants_public:
            found.update((t.id, t) for t in self._public_source(query, after, wanted))
        ordered = sorted(found.values(), key=lambda t: sort_key(t, query.sort), reverse=True)
        cursor = None
        if len(ordered) > page.limit:
            ordered = ordered[: page.limit]
            last = sort_key(ordered[-1], query.sort)
            cursor = self._cursors.encode({"after": {"S": last}}, scope)
        return Page(ordered, cursor)

    def _scope(self, query: TemplateQuery) -> str:
        digest = hashlib.sha256(_json(asdict(query)).encode()).hexdigest()
        return f"{TABLE}:templates:{digest}"

    def _matching(
        self,
        key: ConditionBase,
        index: str,
        query: TemplateQuery,
        wanted: int,
    ) -> builtins.list[Template]:
        """Query `index` newest (highest) first until `wanted` templates match `query`."""
        request = query_request(key, index=index, scan_forward=False, filter=None, consistent=False)
        kept: builtins.list[Template] = []

        def keep(item: dict[str, Any]) -> bool:
            entity = self._entity(item)
            if entity is None or not query.matches(entity):
                return False
            kept.append(entity)
            return True

        collect(self._client, self.table, request, start=None, wanted=wanted, keep=keep)
        return kept

    def _org_source(
        self, query: TemplateQuery, after: str | None, wanted: int
    ) -> builtins.list[Template]:
        key: ConditionBase = Key("gsi1pk").eq(org_templates_partition(query.org_id))
        if query.sort == "recency":
            if after is not None:
                key = key & Key("gsi1sk").lt(after)
            return self._matching(key, "gsi1", query, wanted)
        every = self._matching(key, "gsi1", query, ORG_SORT_CAP)
        return [t for t in every if after is None or sort_key(t, query.sort) < after]

    def _public_source(
        self, query: TemplateQuery, after: str | None, wanted: int
    ) -> builtins.list[Template]:
        index = PUBLIC_INDEX[query.sort]
        if query.sort == "recency" and query.category is not None:
            index = "gsi2"
        found: builtins.list[Template] = []
        for shard in range(PUBLIC_SHARDS):
            key: ConditionBase = Key(f"{index}pk").eq(
                public_partition(index, shard, query.category)
            )
            if after is not None:
                key = key & Key(f"{index}sk").lt(after)
            found += self._matching(key, index, query, wanted)
        return found

    # -- writes --------------------------------------------------------------------------------

    def add(self, template: Template) -> None:
        self._stage_insert(self.to_item(template), on_condition=Conflict("template exists"))

    def save(self, template: Template) -> None:
        changes = {**self._edited(template), **listing_keys(template)}
        self._stage_update(
            template_key(template.org_id, template.id),
            version=template.version,
            on_condition=STALE,
            set=changes,
        )

    def remove(self, template: Template) -> None:
        key = template_key(template.org_id, template.id)
        self._stage_delete(key, version=template.version, on_condition=STALE)

    def purge(self, org_id: str, template_id: str) -> None:
        partition = template_partition(org_id, template_id)
        for table in (TABLE, CONTENT_TABLE):
            self._purge_partition(table, partition)

    def _purge_partition(self, table: str, partition: str) -> None:
        # Consistent reads: an eventually consistent Query may list an item deleted already.
        where = Key("pk").eq(partition)
        request = query_request(where, index=None, scan_forward=True, filter=None, consistent=True)
        while True:
            items = collect(self._client, table, request, start=None, wanted=PURGE_CHUNK, keep=bool)
            if not items:
                return
            tx = self._transaction()
            for item in items:
                tx.delete(table, {"pk": item["pk"]["S"], "sk": item["sk"]["S"]})
            tx.commit()
            if self._offloader is not None:
                self._offloader.discard(set().union(*(pointer_uris(i) for i in items)))

    # -- the stats pipeline --------------------------------------------------------------------

    def record_use(self, org_id: str, template_id: str, use_id: str, at: datetime) -> bool:
        """The use record (new only) and +1 in one transaction. Transactions on one listing
        may collide under load (TransactionConflict): retried with backoff and jitter."""
        for attempt in range(USE_ATTEMPTS):
            tx = self._transaction()
            record = {**use_key(org_id, template_id, use_id), "used_at": at}
            tx.put(self.table, record, condition=Attr("pk").not_exists())
            tx.update(
                self.table,
                template_key(org_id, template_id),
                add={"usage_count": 1},
                condition=Attr("pk").exists(),
            )
            try:
                tx.commit()
            except TransactionCancelled as e:
                if "ConditionalCheckFailed" in e.reasons:
                    return False  # counted before, or the template is gone
                if "TransactionConflict" not in e.reasons:
                    raise
                self._sleep(min(1.0, 0.02 * 2**attempt) * random.random())
                continue
            return True
        raise Throttled("the template's use could not be counted; it will be retried")

    def refresh_popularity(self, org_id: str, template_id: str) -> Template | None:
        key = template_key(org_id, template_id)
        raw = self._client.get_item(self.table, Key=self._key(key), ConsistentRead=True)
        stored = self._entity(raw.get("Item"))
        if stored is None:
            return None
        fresh = replace(stored, popularity=popularity(stored.usage_count, stored.rating_sum))
        changes: dict[str, Any] = {"popularity": fresh.popularity, **counter_keys(fresh)}
        item = raw["Item"]
        if all(item.get(name) == encode_item({name: v})[name] for name, v in changes.items()):
            return fresh
        expressions = Expressions()
        update = expressions.update(set_=encode_item(changes))
        condition = expressions.condition(
            Attr("usage_count").eq(stored.usage_count)
            & Attr("rating_sum").eq(stored.rating_sum)
            & Attr("rating_count").eq(stored.rating_count)
        )
        try:
            self._client.update_item(
                self.table,
                Key=self._key(key),
                UpdateExpression=update,
                ConditionExpression=condition,
                on_condition=PreconditionFailed,
                **expressions.params(),
            )
        except PreconditionFailed:
            return None  # a newer count's refresh writes it
        return fresh


class DynamoTemplateContentRepository(StagedRepository[TemplateContent]):
    table = CONTENT_TABLE

    def to_item(self, entity: TemplateContent) -> dict[str, Any]:
        return {
            **content_key(entity.org_id, entity.template_id, entity.number),
            "org_id": entity.org_id,
            "template_id": entity.template_id,
            "number": entity.number,
            # JSON text: as maps the codec would give numbers back as Decimal.
            "nodes": _json(entity.nodes),
            "edges": _json(entity.edges),
            "canvas": _json(entity.canvas),
            "configs": _json(entity.configs),
            "note": entity.note,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
        }

    def from_item(self, item: dict[str, Any]) -> TemplateContent:
        return TemplateContent(
            org_id=item["org_id"],
            template_id=item["template_id"],
            number=int(item["number"]),
            created_by=item["created_by"],
            created_at=item["created_at"],
            nodes=json.loads(item["nodes"]),
            edges=json.loads(item["edges"]),
            canvas=json.loads(item["canvas"]),
            configs=json.loads(item["configs"]),
            note=item.get("note", ""),
        )

    def get(self, org_id: str, template_id: str, number: int) -> TemplateContent | None:
        return self._get(content_key(org_id, template_id, number)) if number >= 1 else None

    def latest(self, org_id: str, template_id: str) -> TemplateContent | None:
        """The newest version: one Query, newest first, of a single item."""
        where = Key("pk").eq(template_partition(org_id, template_id)) & Key("sk").begins_with(
            VERSION_PREFIX
        )
        found = self._query_page(where, page=PageRequest(1), scan_forward=False).items
        return found[0] if found else None

    def add(self, content: TemplateContent) -> None:
        taken = Conflict(f"content version {content.number} exists; versions never change")
        self._stage_insert(self.to_item(content), on_condition=taken)


class DynamoTemplateRatingRepository(StagedRepository[TemplateRating]):
    table = TABLE

    def to_item(self, entity: TemplateRating) -> dict[str, Any]:
        return {
            **rating_key(entity.org_id, entity.template_id, entity.user_id),
            "org_id": entity.org_id,
            "template_id": entity.template_id,
            "user_id": entity.user_id,
            "stars": entity.stars,
            "rated_at": entity.rated_at,
        }

    def from_item(self, item: dict[str, Any]) -> TemplateRating:
        return TemplateRating(
            org_id=item["org_id"],
            template_id=item["template_id"],
            user_id=item["user_id"],
            stars=int(item["stars"]),
            rated_at=item["rated_at"],
            version=item.get("version", 0),
        )

    def get(self, org_id: str, template_id: str, user_id: str) -> TemplateRating | None:
        return self._get(rating_key(org_id, template_id, user_id), consistent=True)

    def put(self, rating: TemplateRating, *, previous: TemplateRating | None) -> None:
        item = self.to_item(rating)
        if previous is None:
            self._stage_insert(item, on_condition=STALE_RATING)
            self._move_sums(rating, rating.stars, 1)
        else:
            self._stage_replace(item, version=previous.version, on_condition=STALE_RATING)
            self._move_sums(rating, rating.stars - previous.stars, 0)

    def remove(self, rating: TemplateRating) -> None:
        key = rating_key(rating.org_id, rating.template_id, rating.user_id)
        self._stage_delete(key, version=rating.version, on_condition=STALE_RATING)
        self._move_sums(rating, -rating.stars, -1)

    def _move_sums(self, rating: TemplateRating, stars: int, count: int) -> None:
        """ADD on the listing (its version stays: a rating is not an edit of the template)."""
        amounts: Iterable[tuple[str, int]] = (("rating_sum", stars), ("rating_count", count))
        self._uow.stage(
            lambda tx: tx.update(
                self.table,
                template_key(rating.org_id, rating.template_id),
                add=dict(amounts),
                condition=Attr("pk").exists(),
            ),
            on_condition=GONE,
        )
