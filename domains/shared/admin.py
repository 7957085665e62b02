"""The admin kit every context's admin.py uses: describe an entity once, the site does the rest.

An `EntityAdmin` names the entity and its context, the columns of its change list, the list
filters (each maps to an access pattern of a service: an index Query, or a Scan for staff),
the search (an exact lookup by id or an indexed field), the form fields, the admin actions,
and the callables that read and write it through the context's services. The site in
`nexus/admin/` turns each into a change list, a change form, an add form and a delete
confirmation, and keeps optimistic locking: the form carries the version it was read at.

    register(EntityAdmin(context="identity", name="users", label="Users", ...))

Like api.py and web.py this module is the framework-facing edge of the kernel; the entity
callables receive an `AdminCall` (the staff principal and the request id), never a request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domains.shared.pagination import Page, PageRequest
from domains.shared.tenancy import Principal

ORG_FILTER = "org"


@dataclass(frozen=True)
class AdminCall:
    """Who acts in the admin: a staff principal, and the request id for the audit log."""

    principal: Principal
    request_id: str = ""


@dataclass(frozen=True)
class FormField:
    """One field of the change form. `kind`: text, textarea, bool, int, choice, json or
    password (never shown back). `create_only` fields (an entity's natural key) are editable
    on the add form only; `only` ("add" or "change") leaves a field off the other form."""

    name: str
    kind: str = "text"
    label: str = ""
    required: bool = True
    choices: tuple[str, ...] = ()
    create_only: bool = False
    help: str = ""
    only: str = ""

    def on_form(self, *, adding: bool) -> bool:
        return self.only != ("change" if adding else "add")


@dataclass(frozen=True)
class ListFilter:
    """A change-list filter: fixed `choices` (value, label), or a free value such as an id."""

    name: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ListQuery:
    page: PageRequest
    filters: Mapping[str, str] = field(default_factory=dict)
    search: str = ""

    def filter(self, name: str) -> str | None:
        return self.filters.get(name) or None


@dataclass(frozen=True)
class AdminAction:
    """Runs on the selected keys and says what it did; `bulk=False` takes one item only."""

    name: str
    label: str
    run: Callable[[AdminCall, list[str]], str]
    bulk: bool = True


@dataclass(frozen=True)
class Link:
    """A column (and detail) shown as a link to another entity's change page: `key` makes
    that entity's URL key from this one (an agent's flow links to its agent). With `filters`
    the link goes to that entity's change list instead, filtered as `filters` says (an agent
    links to the list of its versions); `key` is not used then."""

    column: str
    context: str
    entity: str
    key: Callable[[Any], str] = lambda _: ""
    filters: Callable[[Any], Mapping[str, str]] | None = None


Lister = Callable[[AdminCall, ListQuery], Page[Any]]
Getter = Callable[[AdminCall, str], Any]
Saver = Callable[[AdminCall, "str | None", dict[str, Any], int], Any]
Deleter = Callable[[AdminCall, str, int], None]


def _attribute_id(entity: Any) -> str:
    return str(entity.id)


@dataclass(frozen=True)
class EntityAdmin:
    """How the admin shows and changes one entity. `key` makes the URL key of an entity
    (join composite keys with ":"); `save(call, key, values, version)` creates when `key`
    is None and otherwise changes the entity read at `version`; `initial` gives the form's
    values of an entity (default: its attributes of the same names)."""

    context: str
    name: str
    label: str
    columns: tuple[str, ...]
    list: Lister
    get: Getter | None
    key: Callable[[Any], str] = _attribute_id
    fields: tuple[FormField, ...] = ()
    save: Saver | None = None
    delete: Deleter | None = None
    initial: Callable[[Any], dict[str, Any]] | None = None
    filters: tuple[ListFilter, ...] = ()
    search_help: str = ""
    actions: tuple[AdminAction, ...] = ()
    tenant_owned: bool = False
    feature: str = "base"
    add: bool = True
    delete_note: str = ""  # what else a deletion ends, said on the confirmation page
    links: tuple[Link, ...] = ()

    @property
    def can_add(self) -> bool:
        return self.add and self.save is not None

    @property
    def list_filters(self) -> tuple[ListFilter, ...]:
        """Tenant-owned entities filter by organisation first."""
        org = (ListFilter(ORG_FILTER, "Organisation id"),) if self.tenant_owned else ()
        return org + self.filters

    def form_values(self, entity: Any) -> dict[str, Any]:
        if self.initial is not None:
            return self.initial(entity)
        return {f.name: getattr(entity, f.name, None) for f in self.fields}


class AdminRegistry:
    """Entities by (context, name), in registration order."""

    def __init__(self) -> None:
        self._entities: dict[tuple[str, str], EntityAdmin] = {}

    def register(self, *entities: EntityAdmin) -> None:
        for entity in entities:
            ident = (entity.context, entity.name)
            if ident in self._entities:
                raise ValueError(f"{entity.context}.{entity.name} is registered twice")
            self._entities[ident] = entity

    def get(self, context: str, name: str) -> EntityAdmin | None:
        return self._entities.get((context, name))

    def entities(self, features: Sequence[str] | None = None) -> list[EntityAdmin]:
        """Registered entities whose feature is on (`base` always is)."""
        return [
            e
            for e in self._entities.values()
            if features is None or e.feature == "base" or e.feature in features
        ]


registry = AdminRegistry()
register = registry.register


def split_key(key: str, parts: int) -> list[str]:
    """The parts of a composite URL key (`org:user`); NotFound-worthy keys give ""."""
    found = key.split(":")
    return found if len(found) == parts else [""] * parts
