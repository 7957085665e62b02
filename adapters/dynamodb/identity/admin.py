"""The staff browser over DynamoDB: whole-table pages for the admin.

A paginated Scan per page (ARCHITECTURE allows Scan for admin browsing only), filtered to
the one kind of item wanted where a table holds several (organisations share their table
with invitations and API keys; `user-sessions` holds admin web sessions too). Staff users
come from the sparse staff index instead.
"""

from __future__ import annotations

from collections.abc import Callable

from boto3.dynamodb.conditions import Attr, ConditionBase

from adapters.dynamodb.identity.uow import DynamoIdentityUnitOfWork
from adapters.dynamodb.staged import StagedRepository
from domains.identity.model import ApiKey, Content, Membership, Organization, Session, User
from domains.shared.pagination import Page, PageRequest


def _scan(repository: StagedRepository, page: PageRequest, where: ConditionBase) -> Page:  # type: ignore[type-arg]
    return repository._scan_page(page=page, filter=where)


class DynamoStaffBrowser:
    def __init__(self, uow: Callable[[], DynamoIdentityUnitOfWork]) -> None:
        self._uow = uow

    def users(self, page: PageRequest, *, active: bool | None = None) -> Page[User]:
        where: ConditionBase = Attr("sk").eq("PROFILE")
        if active is not None:
            where = where & Attr("is_active").eq(active)
        return _scan(self._uow().users, page, where)

    def staff(self, page: PageRequest) -> Page[User]:
        return self._uow().users.list_staff(page)

    def organizations(self, page: PageRequest) -> Page[Organization]:
        return _scan(self._uow().organizations, page, Attr("sk").eq("PROFILE"))

    def memberships(self, page: PageRequest) -> Page[Membership]:
        return _scan(self._uow().memberships, page, Attr("sk").begins_with("MEMBER#"))

    def sessions(self, page: PageRequest) -> Page[Session]:
        return _scan(self._uow().sessions, page, Attr("pk").begins_with("SESSION#"))

    def api_keys(self, page: PageRequest) -> Page[ApiKey]:
        return _scan(self._uow().api_keys, page, Attr("sk").begins_with("APIKEY#"))

    def content(self, page: PageRequest) -> Page[Content]:
        return _scan(self._uow().content, page, Attr("sk").begins_with("CONTENT#"))
