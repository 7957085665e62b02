"""Contract: SettingRepository (global settings, organisations' overrides, generations)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from domains.identity.model import Setting, SettingOverride
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.ids import new_id

from .conftest import IdentityBackend
from .factories import at, every_page, override, read, setting, write


def _added(identity: IdentityBackend, created: Setting) -> Setting:
    write(identity, lambda uow: uow.settings.add(created))
    return replace(created, version=1)


def _overridden(identity: IdentityBackend, changed: SettingOverride) -> SettingOverride:
    write(identity, lambda uow: uow.settings.put_override(changed))
    return replace(changed, version=changed.version + 1)


def _fails(identity: IdentityBackend, error: type[Exception], stage: Any) -> None:
    with identity.uow() as uow:
        stage(uow)
        with pytest.raises(error):
            uow.commit()


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("bool", True),
        ("int", -42),
        ("float", 0.1),
        ("string", "héllo"),
        ("json", {"a": [1, 2.5, None]}),
    ],
)
def test_a_setting_reads_back_with_its_value(
    identity: IdentityBackend, kind: str, value: Any
) -> None:
    created = _added(identity, setting("mail.daily-limit", kind, value))
    assert read(identity, lambda uow: uow.settings.get(created.key)) == created
    assert read(identity, lambda uow: uow.settings.get("mail.other")) is None


def test_adding_an_existing_key_conflicts(identity: IdentityBackend) -> None:
    created = _added(identity, setting("mail.daily-limit"))
    _fails(identity, Conflict, lambda uow: uow.settings.add(setting("mail.daily-limit", value=9)))
    assert read(identity, lambda uow: uow.settings.get(created.key)) == created


def test_save_bumps_the_version_and_refuses_a_stale_one(identity: IdentityBackend) -> None:
    created = _added(identity, setting("mail.daily-limit"))
    write(identity, lambda uow: uow.settings.save(replace(created, value=5)))
    _fails(identity, PreconditionFailed, lambda uow: uow.settings.save(replace(created, value=6)))
    assert read(identity, lambda uow: uow.settings.get(created.key)) == replace(
        created, value=5, version=2
    )


def test_remove_refuses_a_stale_version_then_deletes(identity: IdentityBackend) -> None:
    created = _added(identity, setting("mail.daily-limit"))
    write(identity, lambda uow: uow.settings.save(replace(created, value=5)))
    _fails(identity, PreconditionFailed, lambda uow: uow.settings.remove(created))
    write(identity, lambda uow: uow.settings.remove(replace(created, version=2)))
    assert read(identity, lambda uow: uow.settings.get(created.key)) is None


def test_list_global_pages_by_key_without_overrides(identity: IdentityBackend) -> None:
    keys = ["b.two", "a.one", "e.five", "c.three", "d.four"]
    created = {key: _added(identity, setting(key)) for key in keys}
    _overridden(identity, override(created["a.one"], new_id(), 7))
    pages = every_page(lambda p: read(identity, lambda uow: uow.settings.list_global(p)), 2)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [s for page in pages for s in page] == [created[k] for k in sorted(keys)]


def test_an_override_reads_back_with_its_setting(identity: IdentityBackend) -> None:
    created = _added(identity, setting("mail.daily-limit"))
    org_id = new_id()
    mine = _overridden(identity, override(created, org_id, 10))
    assert read(identity, lambda uow: uow.settings.get_with_override(created.key, org_id)) == (
        created,
        mine,
    )
    assert read(identity, lambda uow: uow.settings.get_with_override(created.key, new_id())) == (
        created,
        None,
    )
    assert read(identity, lambda uow: uow.settings.get_with_override("mail.other", org_id)) == (
        None,
        None,
    )
    assert read(identity, lambda uow: uow.settings.get(created.key)) == created


def test_overrides_are_the_organisations_own_in_the_order_asked(identity: IdentityBackend) -> None:
    org_id = new_id()
    first, second, third = (_added(identity, setting(k)) for k in ("a.one", "b.two", "c.three"))
    mine = [_overridden(identity, override(s, org_id, 1)) for s in (first, third)]
    _overridden(identity, override(second, new_id(), 2))  # another organisation's
    asked = ["c.three", "b.two", "a.one", "z.unknown"]
    assert read(identity, lambda uow: uow.settings.overrides(org_id, asked)) == mine[::-1]
    assert read(identity, lambda uow: uow.settings.overrides(org_id, [])) == []


def test_an_override_is_replaced_only_from_the_version_read(identity: IdentityBackend) -> None:
    created = _added(identity, setting("mail.daily-limit"))
    org_id = new_id()
    mine = _overridden(identity, override(created, org_id, 10))
    _fails(
        identity,
        PreconditionFailed,
        lambda uow: uow.settings.put_override(override(created, org_id, 11)),
    )
    changed = _overridden(identity, replace(mine, value=12, updated_at=at(hours=1)))
    assert changed.version == 2
    _fails(identity, PreconditionFailed, lambda uow: uow.settings.remove_override(mine))
    write(identity, lambda uow: uow.settings.remove_override(changed))
    assert read(identity, lambda uow: uow.settings.get_with_override(created.key, org_id)) == (
        created,
        None,
    )


def test_no_override_of_a_deleted_setting(identity: IdentityBackend) -> None:
    created = _added(identity, setting("mail.daily-limit"))
    write(identity, lambda uow: uow.settings.remove(created))
    _fails(
        identity, Conflict, lambda uow: uow.settings.put_override(override(created, new_id(), 3))
    )


def test_no_override_for_an_earlier_incarnation_of_the_setting(identity: IdentityBackend) -> None:
    earlier = _added(identity, setting("mail.daily-limit"))
    org_id = new_id()
    kept = _overridden(identity, override(earlier, org_id, 3))
    write(identity, lambda uow: uow.settings.remove(earlier))
    again = _added(identity, setting("mail.daily-limit"))  # a new generation
    _fails(identity, Conflict, lambda uow: uow.settings.put_override(replace(kept, value=4)))
    # The earlier override stays behind, for the caller to ignore by its generation.
    setting_now, left = read(
        identity, lambda uow: uow.settings.get_with_override(again.key, org_id)
    )
    assert (setting_now, left) == (again, kept) and left.generation != again.generation
