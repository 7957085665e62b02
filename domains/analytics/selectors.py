"""Reading the feed: an organisation's, a user's, a project's or a resource's, newest first."""

from __future__ import annotations

from domains.analytics.model import PROJECT, ActivityEntry, FeedFilter
from domains.analytics.ports import ActivityFeedRepository
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext


class ActivityFeedSelector:
    def __init__(self, *, feed: ActivityFeedRepository) -> None:
        self._feed = feed

    def feed(
        self, *, ctx: TenantContext, filter: FeedFilter, page: PageRequest
    ) -> Page[ActivityEntry]:
        """One page of the feed `filter` names, in the tenant's organisation only: one Query
        (a filtered one for a resource within a project)."""
        ctx.require(Permission.ANALYTICS_READ)
        if filter.actor_id is not None:
            return self._feed.list_actor(ctx.org_id, filter.actor_id, page=page)
        if filter.project_id is not None:
            subject = (PROJECT, filter.project_id)
            return self._feed.list_subject(ctx.org_id, subject, page=page, resource=filter.resource)
        if filter.resource is not None:
            return self._feed.list_subject(ctx.org_id, filter.resource, page=page)
        return self._feed.list_org(ctx.org_id, page=page)
