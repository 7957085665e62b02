"""In-memory fakes of the prompts library ports: the unit tier drives the services with
these, and the contract suite holds them to the DynamoDB repositories' behaviour.

Lists sort as the store's indexes do: by the ISO stamp (milliseconds) of the last update,
then the id.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from domains.agents.prompts.model import Prompt, PromptAlias, PromptVersion
from domains.shared.audit import AuditEntry
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import newest_first
from tests.fakes.project_members import stamp
from tests.fakes.staged import FakeRepository, FakeUnitOfWork, bumped

STALE = PreconditionFailed("the prompt changed since it was read")
STALE_ALIAS = PreconditionFailed("the alias changed since it was read")


@dataclass
class PromptsStore:
    prompts: dict[tuple[str, str], Prompt] = field(default_factory=dict)
    versions: dict[tuple[str, str, int], PromptVersion] = field(default_factory=dict)
    aliases: dict[tuple[str, str, str], PromptAlias] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)
    clock: None = None


class InMemoryPrompts(FakeRepository):
    def get(self, org_id: str, prompt_id: str) -> Prompt | None:
        found: Prompt | None = self._s.prompts.get((org_id, prompt_id))
        return found

    def list_org(
        self,
        org_id: str,
        *,
        page: PageRequest,
        viewer: str | None,
        tag: str | None = None,
        visibility: str | None = None,
    ) -> Page[Prompt]:
        ours = [
            p
            for (o, _), p in self._s.prompts.items()
            if o == org_id
            and (viewer is None or p.visibility != "private" or p.created_by == viewer)
            and (tag is None or tag in p.tags)
            and (visibility is None or p.visibility == visibility)
        ]
        scope = ("prompts", org_id, viewer, tag, visibility)
        return newest_first(ours, page, scope=scope, key=lambda p: stamp(p.updated_at, p.id))

    def list_public(self, page: PageRequest) -> Page[Prompt]:
        public = [p for p in self._s.prompts.values() if p.visibility == "public"]
        return newest_first(
            public, page, scope=("public-prompts",), key=lambda p: stamp(p.updated_at, p.id)
        )

    def add(self, prompt: Prompt) -> None:
        key = (prompt.org_id, prompt.id)

        def apply(s: PromptsStore) -> None:
            if key in s.prompts:
                raise Conflict("prompt exists")
            s.prompts[key] = replace(prompt, version=1)

        self._stage(("prompts", *key), apply)

    def save(self, prompt: Prompt) -> None:
        key = (prompt.org_id, prompt.id)

        def apply(s: PromptsStore) -> None:
            s.prompts[key] = bumped(prompt, s.prompts.get(key), STALE)

        self._stage(("prompts", *key), apply)

    def remove(self, prompt: Prompt) -> None:
        key = (prompt.org_id, prompt.id)

        def apply(s: PromptsStore) -> None:
            bumped(prompt, s.prompts.get(key), STALE)
            del s.prompts[key]

        self._stage(("prompts", *key), apply)

    def purge(self, org_id: str, prompt_id: str) -> None:
        store: PromptsStore = self._s
        for key in [k for k in store.versions if k[:2] == (org_id, prompt_id)]:
            del store.versions[key]
        for alias_key in [k for k in store.aliases if k[:2] == (org_id, prompt_id)]:
            del store.aliases[alias_key]


class InMemoryPromptVersions(FakeRepository):
    def get(self, org_id: str, prompt_id: str, number: int) -> PromptVersion | None:
        found: PromptVersion | None = self._s.versions.get((org_id, prompt_id, number))
        return found

    def list(self, org_id: str, prompt_id: str, *, page: PageRequest) -> Page[PromptVersion]:
        ours = [v for k, v in self._s.versions.items() if k[:2] == (org_id, prompt_id)]
        scope = ("prompt-versions", org_id, prompt_id)
        return newest_first(ours, page, scope=scope, key=lambda v: (f"{v.number:08d}",))

    def add(self, version: PromptVersion) -> None:
        key = (version.org_id, version.prompt_id, version.number)

        def apply(s: PromptsStore) -> None:
            if key in s.versions:
                raise Conflict(f"version {version.number} exists; versions never change")
            s.versions[key] = version

        self._stage(("versions", *key), apply)


class InMemoryPromptAliases(FakeRepository):
    def get(self, org_id: str, prompt_id: str, alias: str) -> PromptAlias | None:
        found: PromptAlias | None = self._s.aliases.get((org_id, prompt_id, alias))
        return found

    def list(self, org_id: str, prompt_id: str) -> list[PromptAlias]:
        ours = [a for k, a in self._s.aliases.items() if k[:2] == (org_id, prompt_id)]
        return sorted(ours, key=lambda a: a.alias)

    def put(self, alias: PromptAlias) -> None:
        key = (alias.org_id, alias.prompt_id, alias.alias)

        def apply(s: PromptsStore) -> None:
            stored = s.aliases.get(key)
            if alias.version == 0:
                if stored is not None:
                    raise Conflict("the alias was set meanwhile")
                s.aliases[key] = replace(alias, version=1)
            else:
                s.aliases[key] = bumped(alias, stored, STALE_ALIAS)

        self._stage(("aliases", *key), apply)

    def remove(self, alias: PromptAlias) -> None:
        key = (alias.org_id, alias.prompt_id, alias.alias)

        def apply(s: PromptsStore) -> None:
            bumped(alias, s.aliases.get(key), STALE_ALIAS)
            del s.aliases[key]

        self._stage(("aliases", *key), apply)


class InMemoryPromptsUnitOfWork(FakeUnitOfWork):
    """Events are published to `store.events` by the commit, like the store's outbox."""

    store: PromptsStore

    def __init__(self, store: PromptsStore) -> None:
        super().__init__(store)
        self.prompts = InMemoryPrompts(self)
        self.versions = InMemoryPromptVersions(self)
        self.aliases = InMemoryPromptAliases(self)

    def publish(self, event: DomainEvent) -> None:
        self.staged.append(lambda s: s.events.append(event))


class RecordingUsage:
    """A UsageRecorder that keeps what it was told."""

    def __init__(self) -> None:
        self.recorded: list[tuple[str, str, int]] = []

    def record(self, *, org_id: str, counter: str, amount: int = 1, at: object = None) -> None:
        self.recorded.append((org_id, counter, amount))
