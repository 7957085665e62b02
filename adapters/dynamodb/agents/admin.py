"""The agent builder's staff browsers over DynamoDB: what the admin lists beyond the API's
queries.

Whole-table pages are a paginated Scan each (ARCHITECTURE allows Scan for admin browsing
only), filtered to the one kind of item wanted where a table holds several
(`flow-node-configs` holds node configs beside the custom types, `prompts-library` versions
and aliases beside each prompt). An organisation's agents of every status are a Query of
its partition; a project's agents of one status its index, filtered.
"""

from __future__ import annotations

from collections.abc import Callable

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.agents.keys import agent_key, project_agents_partition
from adapters.dynamodb.agents.prompt_keys import META
from adapters.dynamodb.agents.prompts import DynamoPromptsUnitOfWork
from adapters.dynamodb.agents.uow import DynamoAgentsUnitOfWork
from domains.agents.model import Agent, CustomNodeType
from domains.agents.prompts.model import Prompt
from domains.shared.pagination import Page, PageRequest


def _with(where: ConditionBase, name: str, value: str | None) -> ConditionBase:
    return where & Attr(name).eq(value) if value else where


class DynamoAgentsStaffBrowser:
    def __init__(self, uow: Callable[[], DynamoAgentsUnitOfWork]) -> None:
        self._uow = uow

    def agents(self, page: PageRequest, *, status: str | None = None) -> Page[Agent]:
        where = _with(Attr("sk").begins_with("AGENT#"), "status", status)
        return self._uow().agents._scan_page(page=page, filter=where)

    def org_agents(self, org_id: str, page: PageRequest) -> Page[Agent]:
        partition = agent_key(org_id, "")
        condition = Key("pk").eq(partition["pk"]) & Key("sk").begins_with(partition["sk"])
        return self._uow().agents._query_page(condition, page=page)

    def project_agents(
        self, org_id: str, project_id: str, page: PageRequest, *, status: str | None = None
    ) -> Page[Agent]:
        key = Key("gsi1pk").eq(project_agents_partition(org_id, project_id))
        wanted = Attr("status").eq(status) if status else None
        return self._uow().agents._query_page(
            key, index="gsi1", page=page, scan_forward=False, filter=wanted
        )

    def node_types(self, page: PageRequest) -> Page[CustomNodeType]:
        where = Attr("sk").begins_with("TYPE#")
        return self._uow().node_types._scan_page(page=page, filter=where)


class DynamoPromptsStaffBrowser:
    def __init__(self, uow: Callable[[], DynamoPromptsUnitOfWork]) -> None:
        self._uow = uow

    def prompts(self, page: PageRequest, *, visibility: str | None = None) -> Page[Prompt]:
        where = _with(Attr("sk").eq(META), "visibility", visibility)
        return self._uow().prompts._scan_page(page=page, filter=where)
