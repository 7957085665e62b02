"""The activity feed: entries normalised from domain events, and the filters a feed is read by.

An entry belongs to the feed of its organisation, of its actor, and of its *subject*: the
project it names (its own id when the resource is a project, else the event's `project_id`),
or else its own resource. So a project's feed holds the project's events and those of the
resources in it (its members today; agents or experiments that name their project later).

Beside its summary an entry keeps a few of the event's facts (FACT_KEYS: a run's or a
deployment's `status`, its `error` kind, the run's `experiment_id`), short texts the roll-ups'
calculators read (run completion, error patterns); everything else of the event's data stays
in the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domains.shared.errors import ValidationFailed
from domains.shared.events import DomainEvent
from domains.shared.ids import is_valid_id

PROJECT = "project"
WORKSPACE = "workspace"
MAX_SUMMARY = 200
FACT_KEYS = ("status", "error", "experiment_id")
MAX_FACT = 100
RESOURCE_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESOURCE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$")
_WORD_RE = re.compile(r"[A-Z][a-z0-9]*|[a-z0-9]+")


@dataclass(frozen=True)
class ActivityEntry:
    """One thing that happened: `id` is the event's id (a ULID, so ids sort by time), `type`
    the event's name (`ProjectCreated`) and `verb` its past-tense action (`created`)."""

    org_id: str
    id: str
    type: str
    verb: str
    actor_id: str
    resource_type: str
    resource_id: str
    at: datetime
    summary: str
    project_id: str | None = None
    workspace_id: str | None = None
    facts: tuple[tuple[str, str], ...] = ()  # (key, text) of FACT_KEYS, sorted by key

    def fact(self, key: str) -> str | None:
        """The event's `key` fact (FACT_KEYS), None when it carried none."""
        return dict(self.facts).get(key)

    @property
    def subject(self) -> tuple[str, str]:
        """Whose feed beside the organisation's and the actor's holds this entry."""
        if self.project_id is not None:
            return PROJECT, self.project_id
        return self.resource_type, self.resource_id


def _words(name: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(name)] or ["something", "happened"]


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _summary(words: list[str], data: Mapping[str, Any]) -> str:
    """`Project created: Churn`, `Member added as editor`: the event's words, then the name
    or role it carries."""
    text = " ".join(words).capitalize()
    if name := _text(data, "name"):
        text = f"{text}: {name}"
    elif role := _text(data, "role"):
        text = f"{text} as {role}"
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"


def _owner(event: DomainEvent, kind: str) -> str | None:
    """The project (or workspace) the event names: its resource, or its data's `<kind>_id`."""
    if event.resource_type == kind:
        return event.resource_id
    return _text(event.data, f"{kind}_id")


def facts_of(data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The facts an entry keeps of its event's data: FACT_KEYS with non-empty text, each cut
    to MAX_FACT characters."""
    return tuple(sorted((key, text[:MAX_FACT]) for key in FACT_KEYS if (text := _text(data, key))))


def entry_from(event: DomainEvent) -> ActivityEntry | None:
    """The feed entry of an event; None for an event of no organisation (platform-level)."""
    if not event.org_id:
        return None
    words = _words(event.name)
    return ActivityEntry(
        org_id=event.org_id,
        id=event.id,
        type=event.name,
        verb=words[-1],
        actor_id=event.actor_id,
        resource_type=event.resource_type,
        resource_id=event.resource_id,
        at=event.at,
        summary=_summary(words, event.data),
        project_id=_owner(event, PROJECT),
        workspace_id=_owner(event, WORKSPACE),
        facts=facts_of(event.data),
    )


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedFilter:
    """Which feed to read: the organisation's (nothing set), an actor's, or a subject's
    (a project, or any resource); `resource` with `project` narrows a project's feed to one
    resource in it."""

    actor_id: str | None = None
    project_id: str | None = None
    resource: tuple[str, str] | None = None


def _invalid(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{name}: {message}", errors=[{"loc": ["query", name], "msg": message}])


def _check_actor(actor: str) -> str:
    """A user id, or `apikey:<id>` (API keys act under that name)."""
    if not is_valid_id(actor.removeprefix("apikey:")):
        raise _invalid("user", "a user id, or apikey:<key id>")
    return actor


def _check_resource(resource_type: str | None, resource_id: str | None) -> tuple[str, str] | None:
    if resource_type is None and resource_id is None:
        return None
    if resource_type is None or resource_id is None:
        missing = "resource_type" if resource_type is None else "resource_id"
        raise _invalid(missing, "resource_type and resource_id go together")
    if not RESOURCE_TYPE_RE.match(resource_type):
        raise _invalid("resource_type", "1-40 of a-z 0-9 _, starting with a letter")
    if not RESOURCE_ID_RE.match(resource_id):
        raise _invalid("resource_id", "1-128 of A-Z a-z 0-9 : . _ -")
    return resource_type, resource_id


def feed_filter(
    *,
    user: str | None = None,
    project: str | None = None,
    resource_type: str | None = None,
    resource_id: str | None = None,
) -> FeedFilter:
    """The filter of the API's query parameters: one of `user`, `project`, or a resource
    (`resource_type` + `resource_id`, optionally within `project`); ValidationFailed else."""
    resource = _check_resource(resource_type, resource_id)
    if user is not None:
        if project is not None or resource is not None:
            raise _invalid("user", "filter by user, or by project/resource, not both")
        return FeedFilter(actor_id=_check_actor(user))
    if project is not None and not is_valid_id(project):
        raise _invalid("project", "a project id")
    if resource is not None and resource[0] == PROJECT:
        if not is_valid_id(resource[1]):
            raise _invalid("resource_id", "a project id")
        if project is not None and project != resource[1]:
            raise _invalid("project", "names another project than resource_id")
        return FeedFilter(project_id=resource[1])
    return FeedFilter(project_id=project, resource=resource)
