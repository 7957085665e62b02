"""Application settings: staff keep typed global settings; an organisation's admins override
them for their organisation, and its members read the effective values. Every change is
versioned (If-Match) and audited in its own transaction."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from domains.identity.model import (
    EffectiveSetting,
    Setting,
    SettingOverride,
    check_description,
    check_setting_key,
    check_setting_value,
    effective,
)
from domains.identity.ports import IdentityUnitOfWork, UnitOfWorkFactory
from domains.shared.audit import audit, tenant_audit
from domains.shared.clock import Clock
from domains.shared.errors import Forbidden, NotFound
from domains.shared.guards import check_version
from domains.shared.ids import new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import Principal, TenantContext


def _require_staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("only staff manage global settings")


def _as_json(value: Any) -> str:
    """How an audit entry records a value: JSON text, whatever the setting's type (a JSON
    value may nest deeper, or hold larger numbers, than the audit item itself could)."""
    return json.dumps(value, separators=(",", ":"))


def _existing(uow: IdentityUnitOfWork, key: str) -> Setting:
    setting = uow.settings.get(check_setting_key(key))
    if setting is None:
        raise NotFound(f"no setting {key}")
    return setting


class SettingsService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # -- global settings (staff) ----------------------------------------------------------------

    def list_global(self, *, principal: Principal, page: PageRequest) -> Page[Setting]:
        _require_staff(principal)
        with self._uow() as uow:
            return uow.settings.list_global(page)

    def get_global(self, *, principal: Principal, key: str) -> Setting:
        _require_staff(principal)
        with self._uow() as uow:
            return _existing(uow, key)

    def put_global(
        self,
        *,
        principal: Principal,
        key: str,
        kind: str,
        value: Any,
        description: str = "",
        expected_version: int | None = None,
        request_id: str = "",
    ) -> Setting:
        """Create the setting, or change its value and description (its type is fixed)."""
        _require_staff(principal)
        value = check_setting_value(kind, value)
        now = self._clock.now()
        with self._uow() as uow:
            current = uow.settings.get(check_setting_key(key))
            check_version(expected_version, current.version if current else 0, "setting")
            if current is None:
                setting = Setting(
                    key,
                    kind,
                    value,
                    check_description(description),
                    new_id(),
                    principal.user_id,
                    now,
                )
                uow.settings.add(setting)
            else:
                setting = current.changed(
                    kind=kind, value=value, description=description, by=principal.user_id, at=now
                )
                uow.settings.save(setting)
            action = "setting.update" if current else "setting.create"
            uow.audit(
                audit(
                    org_id=None,
                    principal=principal,
                    action=action,
                    resource=("setting", key),
                    at=now,
                    request_id=request_id,
                    type=setting.type,
                    value=_as_json(setting.value),
                )
            )
            uow.commit()
        return replace(setting, version=setting.version + 1)

    def delete_global(
        self,
        *,
        principal: Principal,
        key: str,
        expected_version: int | None = None,
        request_id: str = "",
    ) -> None:
        """Organisations' overrides of the key stop applying with it (and do not come back
        if the key is made again)."""
        _require_staff(principal)
        now = self._clock.now()
        with self._uow() as uow:
            setting = _existing(uow, key)
            check_version(expected_version, setting.version, "setting")
            uow.settings.remove(setting)
            uow.audit(
                audit(
                    org_id=None,
                    principal=principal,
                    action="setting.delete",
                    resource=("setting", key),
                    at=now,
                    request_id=request_id,
                )
            )
            uow.commit()

    # -- an organisation's effective settings and overrides -------------------------------------

    def list_effective(self, *, ctx: TenantContext, page: PageRequest) -> Page[EffectiveSetting]:
        """A page of global settings and the organisation's overrides of them: one Query and
        one BatchGetItem."""
        ctx.require(Permission.ORG_READ)
        with self._uow() as uow:
            settings = uow.settings.list_global(page)
            keys = [s.key for s in settings.items]
            overrides = {o.key: o for o in uow.settings.overrides(ctx.org_id, keys)}
        items = [effective(s, overrides.get(s.key)) for s in settings.items]
        return Page(items, settings.next_cursor)

    def get_effective(self, *, ctx: TenantContext, key: str) -> EffectiveSetting:
        ctx.require(Permission.ORG_READ)
        with self._uow() as uow:
            setting, override = uow.settings.get_with_override(check_setting_key(key), ctx.org_id)
        if setting is None:
            raise NotFound(f"no setting {key}")
        return effective(setting, override)

    def put_override(
        self, *, ctx: TenantContext, key: str, value: Any, expected_version: int | None = None
    ) -> EffectiveSetting:
        """Set the organisation's own value; it must be of the global setting's type."""
        ctx.require(Permission.SETTINGS_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            setting, stored = uow.settings.get_with_override(check_setting_key(key), ctx.org_id)
            if setting is None:
                raise NotFound(f"no setting {key}")
            current = effective(setting, stored)
            check_version(expected_version, current.override_version, "override")
            override = SettingOverride(
                key,
                ctx.org_id,
                setting.type,
                check_setting_value(setting.type, value),
                setting.generation,
                ctx.principal.user_id,
                now,
                # An override left from an earlier generation is replaced like any other.
                version=stored.version if stored else 0,
            )
            uow.settings.put_override(override)
            action = "setting_override.update" if current.override else "setting_override.create"
            uow.audit(
                tenant_audit(
                    ctx,
                    action=action,
                    resource=("setting_override", key),
                    at=now,
                    value=_as_json(override.value),
                )
            )
            uow.commit()
        return EffectiveSetting(setting, replace(override, version=override.version + 1))

    def delete_override(
        self, *, ctx: TenantContext, key: str, expected_version: int | None = None
    ) -> None:
        ctx.require(Permission.SETTINGS_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            setting, stored = uow.settings.get_with_override(check_setting_key(key), ctx.org_id)
            override = effective(setting, stored).override if setting else None
            if override is None:
                raise NotFound(f"organisation has no override of {key}")
            check_version(expected_version, override.version, "override")
            uow.settings.remove_override(override)
            uow.audit(
                tenant_audit(
                    ctx,
                    action="setting_override.delete",
                    resource=("setting_override", key),
                    at=now,
                )
            )
            uow.commit()
