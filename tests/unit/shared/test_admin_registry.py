"""The admin registry: one registration per entity, features gate entities, tenant filters."""

from __future__ import annotations

import pytest

from domains.shared.admin import ORG_FILTER, AdminRegistry, EntityAdmin, ListFilter, split_key
from domains.shared.pagination import Page


def _entity(name: str, **options: object) -> EntityAdmin:
    return EntityAdmin(
        context="lab",
        name=name,
        label=name.title(),
        columns=("id",),
        list=lambda call, q: Page([]),
        get=lambda call, key: None,
        **options,  # type: ignore[arg-type]
    )


def test_an_entity_is_registered_once() -> None:
    registry = AdminRegistry()
    registry.register(_entity("models"))
    with pytest.raises(ValueError, match=r"lab\.models"):
        registry.register(_entity("models"))


def test_entities_of_features_that_are_off_are_left_out() -> None:
    registry = AdminRegistry()
    registry.register(_entity("models", feature="ai_lab"), _entity("things"))
    assert [e.name for e in registry.entities(["community"])] == ["things"]
    assert [e.name for e in registry.entities(["ai_lab"])] == ["models", "things"]


def test_tenant_owned_entities_filter_by_organisation_first() -> None:
    own = ListFilter("status", "Status", (("a", "A"),))
    entity = _entity("runs", tenant_owned=True, filters=(own,))
    assert [f.name for f in entity.list_filters] == [ORG_FILTER, "status"]
    assert not entity.can_add  # nothing saves it


def test_composite_keys_split_or_come_back_empty() -> None:
    assert split_key("A:B", 2) == ["A", "B"]
    assert split_key("A", 2) == ["", ""]
