"""In-memory fakes of the templates marketplace ports: the unit tier drives the services with
these, and the contract suite holds them to the DynamoDB repositories' behaviour.

The store extends the agents' (using a template writes an agent, its flow and node configs
in the use's transaction), so the agents fakes serve those repositories unchanged. Lists
sort as the store's do: by the domain's sort key, descending, under a cursor bound to the
query.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from domains.agents.templates.model import (
    Template,
    TemplateContent,
    TemplateQuery,
    TemplateRating,
    popularity,
    sort_key,
)
from domains.shared.errors import Conflict, NotFound, PreconditionFailed
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from tests.fakes.agents import (
    AgentsStore,
    InMemoryAgents,
    InMemoryAgentVersions,
    InMemoryFlows,
    InMemoryNodeConfigs,
    InMemoryNodeTypes,
)
from tests.fakes.paging import newest_first
from tests.fakes.project_members import stamp
from tests.fakes.staged import FakeRepository, FakeUnitOfWork, bumped

STALE = PreconditionFailed("the template changed since it was read")
STALE_RATING = Conflict("your rating changed meanwhile; read it and try again")
GONE = NotFound("template not found")
COUNTERS = ("rating_sum", "rating_count", "usage_count", "popularity")


@dataclass
class TemplatesStore(AgentsStore):
    templates: dict[tuple[str, str], Template] = field(default_factory=dict)
    contents: dict[tuple[str, str, int], TemplateContent] = field(default_factory=dict)
    ratings: dict[tuple[str, str, str], TemplateRating] = field(default_factory=dict)
    uses: dict[tuple[str, str, str], datetime] = field(default_factory=dict)
    clock: None = None


class InMemoryTemplates(FakeRepository):
    def get(self, org_id: str, template_id: str, *, consistent: bool = False) -> Template | None:
        found: Template | None = self._s.templates.get((org_id, template_id))
        return found

    def get_public(self, template_id: str) -> Template | None:
        found = [
            t
            for (_, i), t in self._s.templates.items()
            if i == template_id and t.visibility == "public"
        ]
        return found[0] if found else None

    def list_org(self, org_id: str, page: PageRequest) -> Page[Template]:
        ours = [t for t in self._s.templates.values() if t.org_id == org_id]
        scope = ("templates-org", org_id)
        return newest_first(ours, page, scope=scope, key=lambda t: stamp(t.updated_at, t.id))

    def list_author(self, user_id: str, page: PageRequest) -> Page[Template]:
        theirs = [t for t in self._s.templates.values() if t.created_by == user_id]
        scope = ("templates-author", user_id)
        return newest_first(theirs, page, scope=scope, key=lambda t: stamp(t.updated_at, t.id))

    def list(self, query: TemplateQuery, page: PageRequest) -> Page[Template]:
        chosen = [
            t
            for t in self._s.templates.values()
            if (
                (query.wants_org and t.org_id == query.org_id)
                or (query.wants_public and t.visibility == "public")
            )
            and query.matches(t)
        ]
        scope = ("templates", tuple(sorted(asdict(query).items())))
        return newest_first(chosen, page, scope=scope, key=lambda t: (sort_key(t, query.sort),))

    def add(self, template: Template) -> None:
        key = (template.org_id, template.id)

        def apply(s: TemplatesStore) -> None:
            if key in s.templates:
                raise Conflict("template exists")
            s.templates[key] = replace(template, version=1)

        self._stage(("templates", *key), apply)

    def save(self, template: Template) -> None:
        """The edited fields only: the stored counters stay."""
        key = (template.org_id, template.id)

        def apply(s: TemplatesStore) -> None:
            stored = s.templates.get(key)
            changed = bumped(template, stored, STALE)
            kept = {name: getattr(stored, name) for name in COUNTERS}
            s.templates[key] = replace(changed, **kept)

        self._stage(("templates", *key), apply)

    def remove(self, template: Template) -> None:
        key = (template.org_id, template.id)

        def apply(s: TemplatesStore) -> None:
            bumped(template, s.templates.get(key), STALE)
            del s.templates[key]

        self._stage(("templates", *key), apply)

    def purge(self, org_id: str, template_id: str) -> None:
        """At once, outside the unit of work, as the store's purge is."""
        s: TemplatesStore = self._s
        tables: tuple[dict[Any, Any], ...] = (s.contents, s.ratings, s.uses)
        for table in tables:
            for key in [k for k in table if k[:2] == (org_id, template_id)]:
                del table[key]

    def record_use(self, org_id: str, template_id: str, use_id: str, at: datetime) -> bool:
        s: TemplatesStore = self._s
        stored = s.templates.get((org_id, template_id))
        if stored is None or (org_id, template_id, use_id) in s.uses:
            return False
        s.uses[(org_id, template_id, use_id)] = at
        s.templates[(org_id, template_id)] = replace(stored, usage_count=stored.usage_count + 1)
        return True

    def refresh_popularity(self, org_id: str, template_id: str) -> Template | None:
        s: TemplatesStore = self._s
        stored = s.templates.get((org_id, template_id))
        if stored is None:
            return None
        fresh = replace(stored, popularity=popularity(stored.usage_count, stored.rating_sum))
        s.templates[(org_id, template_id)] = fresh
        return fresh


class InMemoryTemplateContents(FakeRepository):
    def get(self, org_id: str, template_id: str, number: int) -> TemplateContent | None:
        return copy.deepcopy(self._s.contents.get((org_id, template_id, number)))  # type: ignore[no-any-return]

    def latest(self, org_id: str, template_id: str) -> TemplateContent | None:
        ours = [v for k, v in self._s.contents.items() if k[:2] == (org_id, template_id)]
        return copy.deepcopy(max(ours, key=lambda c: c.number)) if ours else None

    def add(self, content: TemplateContent) -> None:
        key = (content.org_id, content.template_id, content.number)

        def apply(s: TemplatesStore) -> None:
            if key in s.contents:
                raise Conflict(f"content version {content.number} exists; versions never change")
            s.contents[key] = copy.deepcopy(content)

        self._stage(("contents", *key), apply)


class InMemoryTemplateRatings(FakeRepository):
    def get(self, org_id: str, template_id: str, user_id: str) -> TemplateRating | None:
        found: TemplateRating | None = self._s.ratings.get((org_id, template_id, user_id))
        return found

    def put(self, rating: TemplateRating, *, previous: TemplateRating | None) -> None:
        key = (rating.org_id, rating.template_id, rating.user_id)

        def apply(s: TemplatesStore) -> None:
            stored = s.ratings.get(key)
            if previous is None:
                if stored is not None:
                    raise STALE_RATING
                s.ratings[key] = replace(rating, version=1)
            else:
                s.ratings[key] = bumped(
                    replace(rating, version=previous.version), stored, STALE_RATING
                )

        self._stage(("ratings", *key), apply)
        moved = rating.stars - (previous.stars if previous else 0)
        self._move_sums(rating, moved, 0 if previous else 1)

    def remove(self, rating: TemplateRating) -> None:
        key = (rating.org_id, rating.template_id, rating.user_id)

        def apply(s: TemplatesStore) -> None:
            bumped(rating, s.ratings.get(key), STALE_RATING)
            del s.ratings[key]

        self._stage(("ratings", *key), apply)
        self._move_sums(rating, -rating.stars, -1)

    def _move_sums(self, rating: TemplateRating, stars: int, count: int) -> None:
        key = (rating.org_id, rating.template_id)

        def apply(s: TemplatesStore) -> None:
            stored = s.templates.get(key)
            if stored is None:
                raise GONE
            s.templates[key] = replace(
                stored,
                rating_sum=stored.rating_sum + stars,
                rating_count=stored.rating_count + count,
            )

        self._stage(("templates", *key), apply)


class InMemoryTemplatesUnitOfWork(FakeUnitOfWork):
    """Events are published to `store.events` by the commit, like the store's outbox."""

    store: TemplatesStore

    def __init__(self, store: TemplatesStore) -> None:
        super().__init__(store)
        self.templates = InMemoryTemplates(self)
        self.contents = InMemoryTemplateContents(self)
        self.ratings = InMemoryTemplateRatings(self)
        self.agents = InMemoryAgents(self)
        self.flows = InMemoryFlows(self)
        self.node_types = InMemoryNodeTypes(self)
        self.node_configs = InMemoryNodeConfigs(self)
        self.versions = InMemoryAgentVersions(self)

    def publish(self, event: DomainEvent) -> None:
        self.staged.append(lambda s: s.events.append(event))
