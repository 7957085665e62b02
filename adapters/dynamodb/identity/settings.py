"""Global settings and organisations' overrides in `application-settings`.

A setting (`SETTING#<key>` / `GLOBAL`) and every organisation's override of it
(`SETTING#<key>` / `ORG#<org>`) share a partition, so an organisation's effective value is
one BatchGetItem of two keys. Values are stored natively (bool, number, string) except JSON
values, stored as their text: a JSON value may nest deeper than a DynamoDB map (32 levels)
and hold numbers DynamoDB cannot, and its text round-trips exactly.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from adapters.dynamodb.identity.keys import (
    setting_key,
    setting_scope_keys,
    setting_scope_partition,
)
from adapters.dynamodb.staged import StagedRepository
from domains.identity.model import Setting, SettingOverride
from domains.shared.errors import Conflict, DomainError, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

STALE = "the {} changed since it was read"


def _stored(kind: str, value: Any) -> Any:
    return json.dumps(value, separators=(",", ":")) if kind == "json" else value


def _loaded(kind: str, value: Any) -> Any:
    if kind == "json":
        return json.loads(value)
    if kind == "float":
        return float(value)  # the codec gives back 2.0 as 2 and 0.1 as Decimal("0.1")
    return int(value) if isinstance(value, Decimal) else value


class DynamoSettingRepository(StagedRepository[Setting | SettingOverride]):
    table = "application-settings"

    def to_item(self, entity: Setting | SettingOverride) -> dict[str, Any]:
        org_id = entity.org_id if isinstance(entity, SettingOverride) else None
        item = {
            **setting_key(entity.key, org_id),
            **setting_scope_keys(entity.key, org_id),
            "key": entity.key,
            "org_id": org_id,
            "type": entity.type,
            "value": _stored(entity.type, entity.value),
            "generation": entity.generation,
            "updated_by": entity.updated_by,
            "updated_at": entity.updated_at,
        }
        if isinstance(entity, Setting):
            item["description"] = entity.description
        return item

    def from_item(self, item: dict[str, Any]) -> Setting | SettingOverride:
        common = {
            "key": item["key"],
            "type": item["type"],
            "value": _loaded(item["type"], item.get("value")),
            "generation": item["generation"],
            "updated_by": item["updated_by"],
            "updated_at": item["updated_at"],
            "version": item.get("version", 0),
        }
        if item.get("org_id"):
            return SettingOverride(org_id=item["org_id"], **common)
        return Setting(description=item.get("description", ""), **common)

    # -- reads ---------------------------------------------------------------------------------

    def get(self, key: str) -> Setting | None:
        found = self._get(setting_key(key))
        return found if isinstance(found, Setting) else None

    def list_global(self, page: PageRequest) -> Page[Setting]:
        found = self._query_page(
            Key("gsi1pk").eq(setting_scope_partition()), index="gsi1", page=page
        )
        return Page([s for s in found.items if isinstance(s, Setting)], found.next_cursor)

    def get_with_override(
        self, key: str, org_id: str
    ) -> tuple[Setting | None, SettingOverride | None]:
        found = self._batch_get([setting_key(key), setting_key(key, org_id)])
        setting = next((s for s in found if isinstance(s, Setting)), None)
        override = next((o for o in found if isinstance(o, SettingOverride)), None)
        return setting, override

    def overrides(self, org_id: str, keys: list[str]) -> list[SettingOverride]:
        found = self._batch_get([setting_key(key, org_id) for key in keys])
        return [o for o in found if isinstance(o, SettingOverride)]

    # -- staged writes -------------------------------------------------------------------------

    def _stage_put(self, entity: Setting | SettingOverride, error: DomainError) -> None:
        item = self.to_item(entity)
        if entity.version:
            self._stage_replace(item, version=entity.version, on_condition=error)
        else:
            self._stage_insert(item, on_condition=error)

    def _remove(self, entity: Setting | SettingOverride, error: DomainError) -> None:
        key = setting_key(entity.key, getattr(entity, "org_id", None))
        self._stage_delete(key, version=entity.version, on_condition=error)

    def add(self, setting: Setting) -> None:
        self._stage_put(setting, Conflict(f"setting {setting.key} exists"))

    def save(self, setting: Setting) -> None:
        self._stage_put(setting, PreconditionFailed(STALE.format("setting")))

    def remove(self, setting: Setting) -> None:
        self._remove(setting, PreconditionFailed(STALE.format("setting")))

    def put_override(self, override: SettingOverride) -> None:
        generation = Attr("generation").eq(override.generation)
        self._uow.stage(
            lambda tx: tx.condition_check(self.table, setting_key(override.key), generation),
            on_condition=Conflict(f"setting {override.key} was deleted or replaced; read it again"),
        )
        self._stage_put(override, PreconditionFailed(STALE.format("override")))

    def remove_override(self, override: SettingOverride) -> None:
        self._remove(override, PreconditionFailed(STALE.format("override")))
