"""The settings routers: staff keep global settings at `/settings`; an organisation's admins
override them at `/organizations/{org_id}/settings`, where its members read what applies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from domains.identity import schemas as s
from domains.identity.model import EffectiveSetting, Setting
from domains.shared.api import PageOut, PageParams, if_match, json_response, page_out
from domains.shared.web import principal_of, request_id_of, service, tenant_of

settings_router = Router(tags=["settings"])
org_settings_router = Router(tags=["settings"])


def _settings() -> Any:
    return service("identity").settings()


def _setting(setting: Setting) -> dict[str, Any]:
    return {
        "key": setting.key,
        "type": setting.type,
        "value": setting.value,
        "description": setting.description,
        "updated_by": setting.updated_by,
        "updated_at": setting.updated_at,
        "version": setting.version,
    }


def _effective(found: EffectiveSetting) -> dict[str, Any]:
    return {
        "key": found.setting.key,
        "type": found.setting.type,
        "description": found.setting.description,
        "value": found.value,
        "source": found.source,
        "global_value": found.setting.value,
        "override_version": found.override_version,
    }


# -- /settings (staff) ---------------------------------------------------------------------------


@settings_router.get("", response=PageOut[s.SettingOut])
def setting_list(request: HttpRequest, params: Query[PageParams]) -> Any:
    page = _settings().list_global(principal=principal_of(request), page=params.request())
    return page_out(page, _setting)


@settings_router.get("/{key}", response=s.SettingOut)
def setting_get(request: HttpRequest, key: str) -> Any:
    setting = _settings().get_global(principal=principal_of(request), key=key)
    return json_response(_setting(setting), schema=s.SettingOut, version=setting.version)


@settings_router.put("/{key}", response=s.SettingOut)
def setting_put(request: HttpRequest, key: str, body: s.SettingIn) -> Any:
    """Create a setting, or change its value and description; its type cannot change."""
    setting = _settings().put_global(
        principal=principal_of(request),
        key=key,
        kind=body.type,
        value=body.value,
        description=body.description,
        expected_version=if_match(request),
        request_id=request_id_of(request),
    )
    return json_response(_setting(setting), schema=s.SettingOut, version=setting.version)


@settings_router.delete("/{key}", response={204: None})
def setting_delete(request: HttpRequest, key: str) -> Any:
    _settings().delete_global(
        principal=principal_of(request),
        key=key,
        expected_version=if_match(request),
        request_id=request_id_of(request),
    )
    return HttpResponse(status=204)


# -- /organizations/{org_id}/settings ------------------------------------------------------------


@org_settings_router.get("/{org_id}/settings", response=PageOut[s.EffectiveSettingOut])
def effective_list(request: HttpRequest, org_id: str, params: Query[PageParams]) -> Any:
    page = _settings().list_effective(ctx=tenant_of(request, org_id), page=params.request())
    return page_out(page, _effective)


@org_settings_router.get("/{org_id}/settings/{key}", response=s.EffectiveSettingOut)
def effective_get(request: HttpRequest, org_id: str, key: str) -> Any:
    found = _settings().get_effective(ctx=tenant_of(request, org_id), key=key)
    return json_response(
        _effective(found), schema=s.EffectiveSettingOut, version=found.override_version
    )


@org_settings_router.put("/{org_id}/settings/{key}", response=s.EffectiveSettingOut)
def override_put(request: HttpRequest, org_id: str, key: str, body: s.SettingOverrideIn) -> Any:
    """The organisation's own value (`settings:write`), of the global setting's type; the ETag
    is the override's version ("0" while there is none)."""
    found = _settings().put_override(
        ctx=tenant_of(request, org_id),
        key=key,
        value=body.value,
        expected_version=if_match(request),
    )
    return json_response(
        _effective(found), schema=s.EffectiveSettingOut, version=found.override_version
    )


@org_settings_router.delete("/{org_id}/settings/{key}", response={204: None})
def override_delete(request: HttpRequest, org_id: str, key: str) -> Any:
    _settings().delete_override(
        ctx=tenant_of(request, org_id), key=key, expected_version=if_match(request)
    )
    return HttpResponse(status=204)
