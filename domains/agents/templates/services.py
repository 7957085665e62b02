"""Template use cases: publish (from inline content or an agent's version), edit (a content
change is a new version), delete, rate, and use (a new agent in a project of the caller's).

Counters are never read-modify-written by a request: a rating moves the listing's sums by
ADD in the rating's transaction, and a use is counted by the TemplateUsed event's consumer
(`TemplateStatsService`), once per event, which also keeps popularity in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from domains.agents.flow_rules import check_flow
from domains.agents.model import Agent, Flow, NodeConfig, check_agent_name
from domains.agents.ports import ProjectAccess
from domains.agents.services.access import agent_with_role, require_role
from domains.agents.services.node_types import node_types
from domains.agents.templates.model import (
    CATEGORIES,
    VISIBILITIES,
    Template,
    TemplateContent,
    TemplateRating,
    check_choice,
    check_configs,
    check_stars,
    check_text,
    invalid,
)
from domains.agents.templates.ports import TemplatesUnitOfWork, UnitOfWorkFactory
from domains.agents.templates.selectors import load_template, org_admin, owned
from domains.shared.clock import Clock
from domains.shared.errors import Forbidden, TransactionCancelled, ValidationFailed
from domains.shared.events import DomainEvent, record_change
from domains.shared.guards import check_version, found
from domains.shared.ids import is_valid_id, new_id
from domains.shared.permissions import Permission
from domains.shared.tags import check_tags
from domains.shared.tenancy import TenantContext
from domains.shared.usage import UsageRecorder

USED = "template.used"
RATING_ATTEMPTS = 5  # ratings of one template by many people at once collide on its sums


@dataclass(frozen=True)
class ContentIn:
    """A template's flow as given inline: nodes, edges, canvas and configs by node id."""

    nodes: Sequence[Mapping[str, Any]]
    edges: Sequence[Mapping[str, Any]]
    canvas: Mapping[str, Any]
    configs: Mapping[str, Any]


@dataclass(frozen=True)
class FromVersion:
    """A template's flow taken from an agent's published version."""

    agent_id: str
    version: int


Source = ContentIn | FromVersion
T = TypeVar("T")


def _flow_problems(uow: TemplatesUnitOfWork, org_id: str, content: ContentIn) -> None:
    problems = check_flow(content.nodes, content.edges, node_types(uow, org_id))
    if problems:
        raise ValidationFailed(f"the flow has {len(problems)} problem(s)", errors=problems)


def _colliding(attempt: Callable[[], T]) -> T:
    """Run a use case again (reading afresh) when its transaction was cancelled with no
    condition failing: it collided with another on a shared item (the listing's sums)."""
    for _ in range(RATING_ATTEMPTS - 1):
        try:
            return attempt()
        except TransactionCancelled as e:
            if "ConditionalCheckFailed" in e.reasons:
                raise
    return attempt()


class TemplateService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        projects: ProjectAccess,
        usage: UsageRecorder,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._projects = projects
        self._usage = usage

    # -- publishing ----------------------------------------------------------------------------

    def create(
        self,
        *,
        ctx: TenantContext,
        name: str,
        category: str,
        source: Source,
        description: str = "",
        tags: Iterable[str] = (),
        visibility: str = "organization",
    ) -> tuple[Template, TemplateContent]:
        """The listing and its content version 1, in one transaction. Public needs
        template:publish; from a version needs viewer on the agent's project."""
        ctx.require(Permission.TEMPLATE_WRITE)
        chosen = check_choice("visibility", visibility, VISIBILITIES)
        if chosen == "public":
            ctx.require(Permission.TEMPLATE_PUBLISH)
        now, user = self._clock.now(), ctx.principal.user_id
        template = Template(
            ctx.org_id,
            new_id(),
            check_text("name", name, low=1, high=120),
            check_choice("category", category, CATEGORIES),
            user,
            now,
            now,
            check_text("description", description, low=0, high=2000),
            check_tags(tags),
            chosen,
        )
        with self._uow() as uow:
            content = self._content(ctx, uow, template, source, 1, note="")
            uow.templates.add(template)
            uow.contents.add(content)
            self._record(uow, ctx, template, "create", "TemplateCreated", name=template.name)
            uow.commit()
        return replace(template, version=1), content

    def _content(
        self,
        ctx: TenantContext,
        uow: TemplatesUnitOfWork,
        template: Template,
        source: Source,
        number: int,
        *,
        note: str,
    ) -> TemplateContent:
        inline = self._inline(ctx, uow, source)
        _flow_problems(uow, ctx.org_id, inline)
        return TemplateContent(
            template.org_id,
            template.id,
            number,
            ctx.principal.user_id,
            self._clock.now(),
            [dict(n) for n in inline.nodes],
            [dict(e) for e in inline.edges],
            dict(inline.canvas),
            check_configs(inline.configs, inline.nodes),
            check_text("note", note, low=0, high=500),
        )

    def _inline(self, ctx: TenantContext, uow: TemplatesUnitOfWork, source: Source) -> ContentIn:
        if isinstance(source, ContentIn):
            return source
        ctx.require(Permission.AGENT_READ)
        agent, _ = agent_with_role(self._projects, ctx, uow, source.agent_id, "viewer")
        snapshot = uow.versions.get(ctx.org_id, agent.id, source.version)
        if snapshot is None:
            raise invalid("version", f"the agent has no version {source.version}")
        configs = {k: dict(v.get("config", {})) for k, v in snapshot.configs.items()}
        return ContentIn(snapshot.nodes, snapshot.edges, snapshot.canvas, configs)

    def update(
        self,
        *,
        ctx: TenantContext,
        template_id: str,
        expected_version: int | None,
        name: str | None = None,
        description: str | None = None,
        category: str | None = None,
        tags: Iterable[str] | None = None,
        visibility: str | None = None,
        source: Source | None = None,
        note: str = "",
    ) -> tuple[Template, TemplateContent | None]:
        """Edit the listing; new content becomes the next version. Author or org admin."""
        ctx.require(Permission.TEMPLATE_WRITE)
        if visibility is not None:
            check_choice("visibility", visibility, VISIBILITIES)
        if visibility == "public":
            ctx.require(Permission.TEMPLATE_PUBLISH)
        with self._uow() as uow:
            template = self._editable(ctx, uow, template_id, "editing a template")
            check_version(expected_version, template.version, "template")
            if template.visibility == "public" and visibility not in (None, "public"):
                ctx.require(Permission.TEMPLATE_PUBLISH)  # unpublishing is publishing's call
            now = self._clock.now()
            number = template.latest_version + (1 if source is not None else 0)
            changed = replace(
                template,
                name=check_text("name", name, low=1, high=120)
                if name is not None
                else template.name,
                description=check_text("description", description, low=0, high=2000)
                if description is not None
                else template.description,
                category=check_choice("category", category, CATEGORIES)
                if category is not None
                else template.category,
                tags=check_tags(tags) if tags is not None else template.tags,
                visibility=visibility or template.visibility,
                latest_version=number,
                updated_at=now,
            )
            added = None
            if source is not None:
                added = self._content(ctx, uow, changed, source, number, note=note)
                uow.contents.add(added)
            uow.templates.save(changed)
            self._record(uow, ctx, template, "update", "TemplateUpdated", content_version=number)
            uow.commit()
        return replace(changed, version=template.version + 1), added

    def delete(
        self, *, ctx: TenantContext, template_id: str, expected_version: int | None = None
    ) -> None:
        """Author or org admin; the content versions, ratings and use records go after."""
        ctx.require(Permission.TEMPLATE_WRITE)
        with self._uow() as uow:
            template = self._editable(ctx, uow, template_id, "deleting a template")
            check_version(expected_version, template.version, "template")
            uow.templates.remove(template)
            self._record(uow, ctx, template, "delete", "TemplateDeleted", name=template.name)
            uow.commit()
            uow.templates.purge(template.org_id, template.id)

    def _editable(
        self, ctx: TenantContext, uow: TemplatesUnitOfWork, template_id: str, doing: str
    ) -> Template:
        template = load_template(ctx, uow, template_id)
        if not owned(ctx, template):
            raise Forbidden(f"{doing} is for its organisation")
        if template.created_by != ctx.principal.user_id and not org_admin(ctx):
            raise Forbidden(f"{doing} is for its author and the organisation's admins")
        return template

    # -- using ---------------------------------------------------------------------------------

    def use(
        self, *, ctx: TenantContext, template_id: str, project_id: str, name: str | None = None
    ) -> tuple[Agent, Template]:
        """A new draft agent in the caller's project (editor there), with the template's flow
        and node configs, in one transaction; counted as `template.used` usage and, by the
        TemplateUsed event's consumer, in the template's own usage count."""
        ctx.require(Permission.TEMPLATE_READ)
        ctx.require(Permission.AGENT_WRITE)
        with self._uow() as uow:
            template = load_template(ctx, uow, template_id)
            require_role(self._projects, ctx, project_id, "editor")
            content = found(uow.contents.latest(template.org_id, template.id), "template content")
            inline = ContentIn(content.nodes, content.edges, content.canvas, content.configs)
            _flow_problems(uow, ctx.org_id, inline)  # the types must exist here too
            now, user = self._clock.now(), ctx.principal.user_id
            agent = Agent(
                ctx.org_id,
                new_id(),
                project_id,
                check_agent_name(name if name is not None else template.name),
                user,
                now,
                now,
                new_id(),
                template.description[:4000],
                template.tags,
            )
            uow.agents.add(agent)
            uow.flows.add(
                Flow(
                    ctx.org_id,
                    agent.flow_id,
                    agent.id,
                    now,
                    user,
                    content.nodes,
                    content.edges,
                    content.canvas,
                )
            )
            types = {str(n["id"]): str(n["type"]) for n in content.nodes}
            for node_id, config in content.configs.items():
                uow.node_configs.put(
                    NodeConfig(
                        ctx.org_id, agent.flow_id, node_id, types[node_id], config, now, user
                    )
                )
            record_change(
                uow,
                ctx,
                action="template.use",
                event="TemplateUsed",
                resource=("template", template.id),
                at=now,
                template_id=template.id,
                template_org_id=template.org_id,
                template_version=content.number,
                agent_id=agent.id,
                project_id=project_id,
            )
            uow.commit()
        self._usage.record(org_id=ctx.org_id, counter=USED)
        return replace(agent, version=1), template

    # -- rating --------------------------------------------------------------------------------

    def rate(self, *, ctx: TenantContext, template_id: str, stars: int) -> tuple[Template, int]:
        """Set (or change) my stars; the listing's sum and count move in the same
        transaction. The template as stored after it, and my stars."""
        ctx.require(Permission.TEMPLATE_WRITE)
        wanted = check_stars(stars)
        return _colliding(lambda: self._rate(ctx, template_id, wanted))

    def _rate(self, ctx: TenantContext, template_id: str, wanted: int) -> tuple[Template, int]:
        user = ctx.principal.user_id
        with self._uow() as uow:
            template = load_template(ctx, uow, template_id)
            previous = uow.ratings.get(template.org_id, template.id, user)
            rating = TemplateRating(
                template.org_id,
                template.id,
                user,
                wanted,
                self._clock.now(),
                previous.version if previous else 0,
            )
            uow.ratings.put(rating, previous=previous)
            self._record(
                uow,
                ctx,
                template,
                "rate",
                "TemplateRated",
                template_id=template.id,
                template_org_id=template.org_id,
                stars=wanted,
                previous=previous.stars if previous else None,
            )
            uow.commit()
            after = found(
                uow.templates.get(template.org_id, template.id, consistent=True), "template"
            )
        return after, wanted

    def unrate(self, *, ctx: TenantContext, template_id: str) -> None:
        ctx.require(Permission.TEMPLATE_WRITE)
        _colliding(lambda: self._unrate(ctx, template_id))

    def _unrate(self, ctx: TenantContext, template_id: str) -> None:
        with self._uow() as uow:
            template = load_template(ctx, uow, template_id)
            mine = uow.ratings.get(template.org_id, template.id, ctx.principal.user_id)
            rating = found(mine, "rating")
            uow.ratings.remove(rating)
            self._record(
                uow,
                ctx,
                template,
                "unrate",
                "TemplateRated",
                template_id=template.id,
                template_org_id=template.org_id,
                stars=None,
                previous=rating.stars,
            )
            uow.commit()

    def _record(
        self,
        uow: TemplatesUnitOfWork,
        ctx: TenantContext,
        template: Template,
        verb: str,
        event: str,
        **details: Any,
    ) -> None:
        record_change(
            uow,
            ctx,
            action=f"template.{verb}",
            event=event,
            resource=("template", template.id),
            at=self._clock.now(),
            **{"template_id": template.id, **details},
        )


class TemplateStatsService:
    """The consumer of TemplateUsed and TemplateRated: counts each use once (by the event's
    id) and keeps popularity in step with the counters. Idempotent under redelivery."""

    EVENTS = ("TemplateUsed", "TemplateRated")

    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def consume(self, event: DomainEvent) -> bool:
        """True when this delivery counted a use."""
        if event.name not in self.EVENTS:
            return False
        org_id = str(event.data.get("template_org_id") or "")
        template_id = str(event.data.get("template_id") or "")
        if not (is_valid_id(org_id) and is_valid_id(template_id)):
            return False
        with self._uow() as uow:
            counted = False
            if event.name == "TemplateUsed":
                counted = uow.templates.record_use(org_id, template_id, event.id, event.at)
            uow.templates.refresh_popularity(org_id, template_id)
        return counted
