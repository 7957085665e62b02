"""The projects staff browser over DynamoDB: what the admin lists beyond the API's queries.

Whole-table pages are a paginated Scan each (ARCHITECTURE allows Scan for admin browsing
only), filtered to the one kind of item wanted where a table holds several (`workspaces`
holds each organisation's counts item, the membership tables each user's). An
organisation's workspaces or projects of every status are a Query of its partition.
"""

from __future__ import annotations

from collections.abc import Callable

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.projects.keys import project_key, workspace_key
from adapters.dynamodb.projects.uow import DynamoProjectsUnitOfWork
from domains.projects.model import Member, Project, Workspace
from domains.shared.pagination import Page, PageRequest


def _with_status(where: ConditionBase, status: str | None) -> ConditionBase:
    return where & Attr("status").eq(status) if status else where


class DynamoProjectsStaffBrowser:
    def __init__(self, uow: Callable[[], DynamoProjectsUnitOfWork]) -> None:
        self._uow = uow

    def workspaces(self, page: PageRequest, *, status: str | None = None) -> Page[Workspace]:
        where = _with_status(Attr("sk").begins_with("WS#"), status)
        return self._uow().workspaces._scan_page(page=page, filter=where)

    def projects(self, page: PageRequest, *, status: str | None = None) -> Page[Project]:
        where = _with_status(Attr("sk").begins_with("PROJECT#"), status)
        return self._uow().projects._scan_page(page=page, filter=where)

    def members(self, scope: str, page: PageRequest) -> Page[Member]:
        uow = self._uow()
        repository = uow.workspace_members if scope == "workspace" else uow.project_members
        return repository._scan_page(page=page, filter=Attr("sk").begins_with("MEMBER#"))

    def org_workspaces(self, org_id: str, page: PageRequest) -> Page[Workspace]:
        partition = workspace_key(org_id, "")
        condition = Key("pk").eq(partition["pk"]) & Key("sk").begins_with(partition["sk"])
        return self._uow().workspaces._query_page(condition, page=page)

    def org_projects(
        self, org_id: str, page: PageRequest, *, status: str | None = None
    ) -> Page[Project]:
        partition = project_key(org_id, "")
        condition = Key("pk").eq(partition["pk"]) & Key("sk").begins_with(partition["sk"])
        wanted = Attr("status").eq(status) if status else None
        return self._uow().projects._query_page(condition, page=page, filter=wanted)
