"""The prompts library in `prompts-library`: prompts, their immutable versions and aliases
(one partition per prompt), the organisation's list (gsi1) and the public one (gsi2,
write-sharded over PUBLIC_SHARDS partitions so no one partition takes every public write)."""

from __future__ import annotations

import json
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.agents.prompt_keys import (
    ALIAS_PREFIX,
    PUBLIC_SHARDS,
    VERSION_PREFIX,
    alias_key,
    org_prompts_partition,
    prompt_index_keys,
    prompt_key,
    prompt_partition,
    public_partition,
    version_key,
)
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.reading import collect, query_request
from adapters.dynamodb.staged import StagedRepository
from adapters.dynamodb.uow import DynamoUnitOfWork
from domains.agents.prompts.model import Prompt, PromptAlias, PromptVariable, PromptVersion
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

TABLE = "prompts-library"
STALE = PreconditionFailed("the prompt changed since it was read")
STALE_ALIAS = PreconditionFailed("the alias changed since it was read")
PURGE_CHUNK = 25


class DynamoPromptRepository(StagedRepository[Prompt]):
    table = TABLE

    def to_item(self, entity: Prompt) -> dict[str, Any]:
        return {
            **prompt_key(entity.org_id, entity.id),
            **prompt_index_keys(entity.org_id, entity.id, entity.updated_at, entity.visibility),
            "org_id": entity.org_id,
            "id": entity.id,
            "name": entity.name,
            "description": entity.description,
            "tags": set(entity.tags),
            "visibility": entity.visibility,
            "latest_version": entity.latest_version,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
            "updated_at": entity.updated_at,
        }

    def from_item(self, item: dict[str, Any]) -> Prompt:
        return Prompt(
            org_id=item["org_id"],
            id=item["id"],
            name=item["name"],
            created_by=item["created_by"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            description=item.get("description", ""),
            tags=frozenset(item.get("tags", ())),
            visibility=item["visibility"],
            latest_version=int(item["latest_version"]),
            version=item.get("version", 0),
        )

    def get(self, org_id: str, prompt_id: str) -> Prompt | None:
        return self._get(prompt_key(org_id, prompt_id))

    def list_org(
        self,
        org_id: str,
        *,
        page: PageRequest,
        viewer: str | None,
        tag: str | None = None,
        visibility: str | None = None,
    ) -> Page[Prompt]:
        wanted: list[ConditionBase] = []
        if viewer is not None:
            wanted.append(Attr("visibility").ne("private") | Attr("created_by").eq(viewer))
        if tag:
            wanted.append(Attr("tags").contains(tag))
        if visibility:
            wanted.append(Attr("visibility").eq(visibility))
        where: ConditionBase | None = None
        for condition in wanted:
            where = condition if where is None else where & condition
        key = Key("gsi1pk").eq(org_prompts_partition(org_id))
        return self._query_page(key, index="gsi1", page=page, scan_forward=False, filter=where)

    def list_public(self, page: PageRequest) -> Page[Prompt]:
        """One Query per shard for a page each, merged newest first. The cursor is the last
        returned item's gsi2sk (unique: a time then the prompt's id), signed: each shard
        goes on below it, so nothing is skipped or repeated whatever shard it sits in."""
        scope = f"{TABLE}:public-prompts"
        after = None
        if page.cursor:
            after = self._cursors.decode(page.cursor, scope)["gsi2sk"]["S"]
        found: list[dict[str, Any]] = []
        for shard in range(PUBLIC_SHARDS):
            key: ConditionBase = Key("gsi2pk").eq(public_partition(shard))
            if after is not None:
                key = key & Key("gsi2sk").lt(after)
            request = query_request(
                key, index="gsi2", scan_forward=False, filter=None, consistent=False
            )
            found += collect(
                self._client,
                self.table,
                request,
                start=None,
                wanted=page.limit + 1,
                keep=lambda item: not self._expired(item),
            )
        found.sort(key=lambda item: item["gsi2sk"]["S"], reverse=True)
        cursor = None
        if len(found) > page.limit:
            found = found[: page.limit]
            cursor = self._cursors.encode({"gsi2sk": found[-1]["gsi2sk"]}, scope)
        prompts = (self._entity(item) for item in found)
        return Page([p for p in prompts if p is not None], cursor)

    def add(self, prompt: Prompt) -> None:
        self._stage_insert(self.to_item(prompt), on_condition=Conflict("prompt exists"))

    def save(self, prompt: Prompt) -> None:
        self._stage_replace(self.to_item(prompt), version=prompt.version, on_condition=STALE)

    def remove(self, prompt: Prompt) -> None:
        key = prompt_key(prompt.org_id, prompt.id)
        self._stage_delete(key, version=prompt.version, on_condition=STALE)

    def purge(self, org_id: str, prompt_id: str) -> None:
        where = Key("pk").eq(prompt_partition(org_id, prompt_id))
        request = query_request(where, index=None, scan_forward=True, filter=None, consistent=True)
        while True:
            items = collect(
                self._client, self.table, request, start=None, wanted=PURGE_CHUNK, keep=bool
            )
            if not items:
                return
            tx = self._transaction()
            for item in items:
                tx.delete(self.table, {"pk": item["pk"]["S"], "sk": item["sk"]["S"]})
            tx.commit()


class DynamoPromptVersionRepository(StagedRepository[PromptVersion]):
    table = TABLE

    def to_item(self, entity: PromptVersion) -> dict[str, Any]:
        variables = [vars(v) for v in entity.variables]
        return {
            **version_key(entity.org_id, entity.prompt_id, entity.number),
            "org_id": entity.org_id,
            "prompt_id": entity.prompt_id,
            "number": entity.number,
            "template": entity.template,
            # JSON text: a default's 0.1 or ISO string must come back as written.
            "variables": json.dumps(variables, separators=(",", ":")),
            "note": entity.note,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
        }

    def from_item(self, item: dict[str, Any]) -> PromptVersion:
        variables = tuple(PromptVariable(**v) for v in json.loads(item["variables"]))
        return PromptVersion(
            org_id=item["org_id"],
            prompt_id=item["prompt_id"],
            number=int(item["number"]),
            template=item["template"],
            variables=variables,
            created_by=item["created_by"],
            created_at=item["created_at"],
            note=item.get("note", ""),
        )

    def get(self, org_id: str, prompt_id: str, number: int) -> PromptVersion | None:
        return self._get(version_key(org_id, prompt_id, number))

    def list(self, org_id: str, prompt_id: str, *, page: PageRequest) -> Page[PromptVersion]:
        where = Key("pk").eq(prompt_partition(org_id, prompt_id)) & Key("sk").begins_with(
            VERSION_PREFIX
        )
        return self._query_page(where, page=page, scan_forward=False)

    def add(self, version: PromptVersion) -> None:
        taken = Conflict(f"version {version.number} exists; versions never change")
        self._stage_insert(self.to_item(version), on_condition=taken)


class DynamoPromptAliasRepository(StagedRepository[PromptAlias]):
    table = TABLE

    def to_item(self, entity: PromptAlias) -> dict[str, Any]:
        return {
            **alias_key(entity.org_id, entity.prompt_id, entity.alias),
            "org_id": entity.org_id,
            "prompt_id": entity.prompt_id,
            "alias": entity.alias,
            "number": entity.number,
            "updated_by": entity.updated_by,
            "updated_at": entity.updated_at,
        }

    def from_item(self, item: dict[str, Any]) -> PromptAlias:
        return PromptAlias(
            org_id=item["org_id"],
            prompt_id=item["prompt_id"],
            alias=item["alias"],
            number=int(item["number"]),
            updated_by=item["updated_by"],
            updated_at=item["updated_at"],
            version=item.get("version", 0),
        )

    def get(self, org_id: str, prompt_id: str, alias: str) -> PromptAlias | None:
        return self._get(alias_key(org_id, prompt_id, alias))

    def list(self, org_id: str, prompt_id: str) -> list[PromptAlias]:
        where = Key("pk").eq(prompt_partition(org_id, prompt_id)) & Key("sk").begins_with(
            ALIAS_PREFIX
        )
        request = query_request(where, index=None, scan_forward=True, filter=None, consistent=False)
        items = collect(self._client, self.table, request, start=None, wanted=1000, keep=bool)
        aliases = (self._entity(item) for item in items)
        return [a for a in aliases if a is not None]

    def put(self, alias: PromptAlias) -> None:
        item = self.to_item(alias)
        if alias.version == 0:
            self._stage_insert(item, on_condition=Conflict("the alias was set meanwhile"))
        else:
            self._stage_replace(item, version=alias.version, on_condition=STALE_ALIAS)

    def remove(self, alias: PromptAlias) -> None:
        key = alias_key(alias.org_id, alias.prompt_id, alias.alias)
        self._stage_delete(key, version=alias.version, on_condition=STALE_ALIAS)


class DynamoPromptsUnitOfWork(DynamoUnitOfWork):
    def __init__(
        self,
        client: DynamoClient,
        *,
        cursors: CursorSigner,
        offloader: Offloader | None,
        audit_retention_days: int,
    ) -> None:
        super().__init__(client, offloader=offloader, audit_retention_days=audit_retention_days)
        shared: dict[str, Any] = {"cursors": cursors, "offloader": offloader}
        self.prompts = DynamoPromptRepository(self, **shared)
        self.versions = DynamoPromptVersionRepository(self, **shared)
        self.aliases = DynamoPromptAliasRepository(self, **shared)
