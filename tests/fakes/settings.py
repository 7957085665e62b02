"""In-memory fakes of the settings repository and the audit log reader."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from domains.identity.model import Setting, SettingOverride
from domains.identity.ports import AuditFilter
from domains.shared.audit import AuditEntry
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import page_of, sortable
from tests.fakes.staged import FakeRepository

Row = Setting | SettingOverride


class InMemorySettings(FakeRepository):
    """Rows in `uow.store.settings`, keyed (key, org_id or "") like the table's (pk, sk)."""

    @property
    def _rows(self) -> dict[tuple[str, str], Row]:
        rows: dict[tuple[str, str], Row] = self._s.settings
        return rows

    def get(self, key: str) -> Setting | None:
        found = self._rows.get((key, ""))
        return found if isinstance(found, Setting) else None

    def list_global(self, page: PageRequest) -> Page[Setting]:
        globals_ = [r for (_, o), r in sorted(self._rows.items()) if not o]
        return page_of(globals_, page, scope="settings", key=lambda s: (s.key,))

    def get_with_override(
        self, key: str, org_id: str
    ) -> tuple[Setting | None, SettingOverride | None]:
        override = self._rows.get((key, org_id))
        return self.get(key), override if isinstance(override, SettingOverride) else None

    def overrides(self, org_id: str, keys: list[str]) -> list[SettingOverride]:
        found = (self._rows.get((key, org_id)) for key in dict.fromkeys(keys))
        return [o for o in found if isinstance(o, SettingOverride)]

    def _stage_put(self, row: Row, ident: tuple[str, str], error: Exception) -> None:
        def apply(s: Any) -> None:
            stored = s.settings.get(ident)
            if (stored.version if stored else 0) != row.version:
                raise error
            s.settings[ident] = replace(row, version=row.version + 1)

        self._stage(("setting", *ident), apply)

    def _stage_remove(self, row: Row, ident: tuple[str, str]) -> None:
        def apply(s: Any) -> None:
            stored = s.settings.get(ident)
            if stored is None or stored.version != row.version:
                raise PreconditionFailed("stale version")
            del s.settings[ident]

        self._stage(("setting", *ident), apply)

    def add(self, setting: Setting) -> None:
        self._stage_put(setting, (setting.key, ""), Conflict(f"setting {setting.key} exists"))

    def save(self, setting: Setting) -> None:
        self._stage_put(setting, (setting.key, ""), PreconditionFailed("stale version"))

    def remove(self, setting: Setting) -> None:
        self._stage_remove(setting, (setting.key, ""))

    def put_override(self, override: SettingOverride) -> None:
        def check(s: Any) -> None:
            setting = s.settings.get((override.key, ""))
            if setting is None or setting.generation != override.generation:
                raise Conflict(f"setting {override.key} was deleted or replaced")

        self._stage(("setting", override.key, ""), check)
        ident = (override.key, override.org_id)
        self._stage_put(override, ident, PreconditionFailed("stale version"))

    def remove_override(self, override: SettingOverride) -> None:
        self._stage_remove(override, (override.key, override.org_id))


def _by_time(entry: AuditEntry) -> tuple[str, str]:
    return sortable(entry.at), entry.id


class InMemoryAuditLogReader:
    """Reads the entries the fake unit of work committed to `store.audit`, newest first."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def list(self, org_id: str, filter: AuditFilter, page: PageRequest) -> Page[AuditEntry]:
        def wanted(e: AuditEntry) -> bool:
            return (
                e.org_id == org_id
                and filter.actor_id in (None, e.actor_id)
                and filter.action in (None, e.action)
                and (filter.since is None or e.at >= filter.since)
                and (filter.until is None or e.at <= filter.until)
            )

        entries: list[AuditEntry] = self._store.audit
        found = sorted((e for e in entries if wanted(e)), key=_by_time, reverse=True)
        return page_of(found, page, scope=("audit", org_id, filter), key=_by_time, descending=True)
