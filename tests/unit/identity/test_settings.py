"""Settings on in-memory fakes: typed values, staff-only globals, overrides, versions, audit."""

from __future__ import annotations

import pytest

from domains.identity.model import SettingOverride, check_setting_value
from domains.identity.services.settings import SettingsService
from domains.shared.clock import FixedClock
from domains.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from domains.shared.pagination import PageRequest
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.identity import InMemoryIdentityUnitOfWork, Store

STAFF = Principal("S1", is_staff=True)
ORG = "01J9Z8R0AAAAAAAAAAAAAAAAAA"


def _ctx(role: str, user: str = "U1", org: str = ORG) -> TenantContext:
    return TenantContext(org, Principal(user), role, permissions_for(role))


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    store = Store()
    service = SettingsService(uow=lambda: InMemoryIdentityUnitOfWork(store), clock=FixedClock())
    return store, service


@pytest.mark.parametrize(
    ("kind", "given", "kept"),
    [
        ("bool", True, True),
        ("int", -(2**63), -(2**63)),
        ("float", 3, 3.0),
        ("float", 0.25, 0.25),
        ("string", "", ""),
        ("json", {"a": [1, None, "x"]}, {"a": [1, None, "x"]}),
        ("json", None, None),
    ],
)
def test_values_are_kept_in_their_canonical_form(kind, given, kept):  # type: ignore[no-untyped-def]
    value = check_setting_value(kind, given)
    assert value == kept and type(value) is type(kept)


@pytest.mark.parametrize(
    ("kind", "given"),
    [
        ("bool", 1),
        ("bool", "true"),
        ("int", True),
        ("int", 1.0),
        ("int", 2**63),
        ("float", "1.5"),
        ("float", float("nan")),
        ("float", 10**400),
        ("string", 5),
        ("string", "x" * 10_001),
        ("json", {"x": float("inf")}),
        ("json", ["y" * 10_000]),
        ("colour", "red"),
    ],
)
def test_values_of_another_type_are_refused(kind, given):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed):
        check_setting_value(kind, given)


def test_only_staff_manage_global_settings(world):  # type: ignore[no-untyped-def]
    store, service = world
    for call in (
        lambda p: service.put_global(principal=p, key="a.b", kind="int", value=1),
        lambda p: service.list_global(principal=p, page=PageRequest()),
        lambda p: service.get_global(principal=p, key="a.b"),
        lambda p: service.delete_global(principal=p, key="a.b"),
    ):
        with pytest.raises(Forbidden):
            call(Principal("U1"))
    assert store.settings == {} and store.audit == []


def test_global_settings_are_versioned_typed_and_audited(world):  # type: ignore[no-untyped-def]
    store, service = world
    created = service.put_global(
        principal=STAFF, key="limits.max_agents", kind="int", value=50, description=" cap "
    )
    assert (created.version, created.value, created.description) == (1, 50, "cap")
    with pytest.raises(PreconditionFailed):
        service.put_global(
            principal=STAFF, key="limits.max_agents", kind="int", value=1, expected_version=0
        )
    changed = service.put_global(
        principal=STAFF, key="limits.max_agents", kind="int", value=60, expected_version=1
    )
    assert changed.version == 2 and changed.generation == created.generation
    with pytest.raises(PreconditionFailed):
        service.put_global(
            principal=STAFF, key="limits.max_agents", kind="int", value=70, expected_version=1
        )
    with pytest.raises(Conflict, match="type cannot change"):
        service.put_global(principal=STAFF, key="limits.max_agents", kind="float", value=1.5)
    with pytest.raises(ValidationFailed):
        service.put_global(principal=STAFF, key="limits.max_agents", kind="int", value="many")
    with pytest.raises(ValidationFailed):
        service.put_global(principal=STAFF, key="Bad Key", kind="int", value=1)
    listed = service.list_global(principal=STAFF, page=PageRequest()).items
    assert [(s.key, s.value, s.version) for s in listed] == [("limits.max_agents", 60, 2)]
    assert [(e.org_id, e.action, e.details["value"]) for e in store.audit] == [
        (None, "setting.create", "50"),
        (None, "setting.update", "60"),
    ]


def test_overrides_apply_to_their_organisation_only(world):  # type: ignore[no-untyped-def]
    store, service = world
    service.put_global(principal=STAFF, key="ui.beta", kind="bool", value=False)
    admin, other = _ctx("admin"), _ctx("owner", "U9", org="01J9Z8R0BBBBBBBBBBBBBBBBBB")
    put = service.put_override(ctx=admin, key="ui.beta", value=True)
    assert (put.value, put.source, put.override_version) == (True, "organization", 1)
    assert service.get_effective(ctx=_ctx("viewer", "U2"), key="ui.beta").value is True
    theirs = service.get_effective(ctx=other, key="ui.beta")
    assert (theirs.value, theirs.source, theirs.override_version) == (False, "global", 0)
    listed = service.list_effective(ctx=admin, page=PageRequest()).items
    assert [(e.setting.key, e.value) for e in listed] == [("ui.beta", True)]
    assert store.audit[-1].org_id == ORG and store.audit[-1].action == "setting_override.create"


def test_override_rules(world):  # type: ignore[no-untyped-def]
    _, service = world
    service.put_global(principal=STAFF, key="ui.beta", kind="bool", value=False)
    admin = _ctx("admin")
    with pytest.raises(Forbidden):
        service.put_override(ctx=_ctx("member", "U2"), key="ui.beta", value=True)
    with pytest.raises(NotFound):
        service.put_override(ctx=admin, key="ui.gamma", value=True)
    with pytest.raises(ValidationFailed):
        service.put_override(ctx=admin, key="ui.beta", value="yes")
    with pytest.raises(PreconditionFailed):
        service.put_override(ctx=admin, key="ui.beta", value=True, expected_version=1)
    service.put_override(ctx=admin, key="ui.beta", value=True, expected_version=0)
    with pytest.raises(PreconditionFailed):
        service.put_override(ctx=admin, key="ui.beta", value=False, expected_version=0)
    assert service.put_override(ctx=admin, key="ui.beta", value=False).override_version == 2
    with pytest.raises(PreconditionFailed):
        service.delete_override(ctx=admin, key="ui.beta", expected_version=1)
    service.delete_override(ctx=admin, key="ui.beta", expected_version=2)
    with pytest.raises(NotFound):
        service.delete_override(ctx=admin, key="ui.beta")
    assert service.get_effective(ctx=admin, key="ui.beta").source == "global"


def test_overrides_do_not_outlive_their_setting(world):  # type: ignore[no-untyped-def]
    _, service = world
    service.put_global(principal=STAFF, key="ui.beta", kind="bool", value=False)
    admin = _ctx("admin")
    service.put_override(ctx=admin, key="ui.beta", value=True)
    service.delete_global(principal=STAFF, key="ui.beta")
    with pytest.raises(NotFound):
        service.get_effective(ctx=admin, key="ui.beta")
    service.put_global(principal=STAFF, key="ui.beta", kind="string", value="off")
    again = service.get_effective(ctx=admin, key="ui.beta")
    assert (again.value, again.source) == ("off", "global")  # the old bool override is gone
    with pytest.raises(NotFound):
        service.delete_override(ctx=admin, key="ui.beta")
    replaced = service.put_override(ctx=admin, key="ui.beta", value="on")
    assert (replaced.value, replaced.override_version) == ("on", 2)  # it replaced the stale one


def test_an_override_cannot_land_on_a_setting_replaced_meanwhile(world):  # type: ignore[no-untyped-def]
    store, service = world
    service.put_global(principal=STAFF, key="ui.beta", kind="bool", value=False)
    uow = InMemoryIdentityUnitOfWork(store)
    with uow:
        setting, _ = uow.settings.get_with_override("ui.beta", ORG)
    service.delete_global(principal=STAFF, key="ui.beta")
    service.put_global(principal=STAFF, key="ui.beta", kind="bool", value=True)
    assert setting is not None
    stale = SettingOverride(
        "ui.beta", ORG, "bool", True, setting.generation, "U1", setting.updated_at
    )
    with uow, pytest.raises(Conflict):
        uow.settings.put_override(stale)
        uow.commit()
