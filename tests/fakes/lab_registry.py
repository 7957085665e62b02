"""In-memory fakes of the model registry ports: the unit tier drives the services with these,
and the contract suite holds them to the DynamoDB repositories' behaviour.

Lists sort as the store's keys do: models by id (or newest first by last update on an
index), a model's versions newest first, versions on an index newest first by last update
(a run's by model and number), metric points by version, time and id.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from domains.lab.registry.model import (
    MetricPoint,
    ModelAlias,
    ModelVersion,
    RegisteredModel,
    StagePointer,
)
from domains.lab.registry.ports import VersionFilter
from domains.shared.audit import AuditEntry
from domains.shared.errors import Conflict, PreconditionFailed, ValidationFailed
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import newest_first, page_of, sortable
from tests.fakes.staged import FakeRepository, FakeUnitOfWork, bumped

STALE_MODEL = PreconditionFailed("the model changed since it was read")
STALE_VERSION = PreconditionFailed("the model version changed since it was read")
STALE_ALIAS = PreconditionFailed("the alias changed since it was read")
RACED = Conflict("another change of the production version came first; read it again")


@dataclass
class RegistryStore:
    models: dict[tuple[str, str], RegisteredModel] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    versions: dict[tuple[str, str, int], ModelVersion] = field(default_factory=dict)
    pointers: dict[tuple[str, str, str], StagePointer] = field(default_factory=dict)
    aliases: dict[tuple[str, str, str], ModelAlias] = field(default_factory=dict)
    points: dict[tuple[str, str, str], MetricPoint] = field(default_factory=dict)
    runs: set[tuple[str, str]] = field(default_factory=set)  # (org, run id): tracking's runs
    audit: list[AuditEntry] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)
    clock: None = None


class InMemoryModels(FakeRepository):
    def get(self, org_id: str, model_id: str) -> RegisteredModel | None:
        found: RegisteredModel | None = self._s.models.get((org_id, model_id))
        return found

    def get_by_name(self, org_id: str, name: str) -> RegisteredModel | None:
        model_id = self._s.names.get((org_id, name.lower()))
        return self.get(org_id, model_id) if model_id else None

    def list(
        self,
        org_id: str,
        *,
        page: PageRequest,
        project_id: str | None = None,
        task: str | None = None,
    ) -> Page[RegisteredModel]:
        ours = [
            m
            for (o, _), m in self._s.models.items()
            if o == org_id and project_id in (None, m.project_id) and task in (None, m.task)
        ]
        scope = ("models", org_id, project_id, task)
        if project_id is None and task is None:
            ordered = sorted(ours, key=lambda m: m.id)
            return page_of(ordered, page, scope=scope, key=lambda m: (m.id,))
        return newest_first(ours, page, scope=scope, key=lambda m: (sortable(m.updated_at), m.id))

    def add(self, model: RegisteredModel) -> None:
        claim = (model.org_id, model.name.lower())
        key = (model.org_id, model.id)

        def claim_name(s: RegistryStore) -> None:
            if claim in s.names:
                raise Conflict(f"a model named {model.name!r} exists in the organisation")
            s.names[claim] = model.id

        def insert(s: RegistryStore) -> None:
            if key in s.models:
                raise Conflict("model exists")
            s.models[key] = replace(model, version=1)

        self._stage(("names", *claim), claim_name)
        self._stage(("models", *key), insert)

    def save(self, model: RegisteredModel) -> None:
        key = (model.org_id, model.id)

        def apply(s: RegistryStore) -> None:
            s.models[key] = bumped(model, s.models.get(key), STALE_MODEL)

        self._stage(("models", *key), apply)


def _wanted(v: ModelVersion, org_id: str, w: VersionFilter) -> bool:
    return (
        v.org_id == org_id
        and w.run_id in (None, v.source_run_id)
        and w.status in (None, v.deployment_status)
        and w.stage in (None, v.stage)
        and w.project_id in (None, v.project_id)
        and w.task in (None, v.task)
    )


class InMemoryModelVersions(FakeRepository):
    def get(
        self, org_id: str, model_id: str, number: int, *, consistent: bool = False
    ) -> ModelVersion | None:
        found: ModelVersion | None = self._s.versions.get((org_id, model_id, number))
        return found

    def list(self, org_id: str, model_id: str, *, page: PageRequest) -> Page[ModelVersion]:
        ours = [v for k, v in self._s.versions.items() if k[:2] == (org_id, model_id)]
        scope = ("model-versions", org_id, model_id)
        return newest_first(ours, page, scope=scope, key=lambda v: (f"{v.number:08d}",))

    def find(self, org_id: str, wanted: VersionFilter, *, page: PageRequest) -> Page[ModelVersion]:
        if not (wanted.run_id or wanted.project_id or wanted.status or wanted.stage):
            raise ValueError("name a run, a status, a stage or a project")
        ours = [v for v in self._s.versions.values() if _wanted(v, org_id, wanted)]
        scope = ("find-versions", org_id, wanted)
        if wanted.run_id:
            ordered = sorted(ours, key=lambda v: (v.model_id, f"{v.number:08d}"))
            return page_of(
                ordered, page, scope=scope, key=lambda v: (v.model_id, f"{v.number:08d}")
            )
        return newest_first(
            ours,
            page,
            scope=scope,
            key=lambda v: (sortable(v.updated_at), v.model_id, f"{v.number:08d}"),
        )

    def add(self, version: ModelVersion) -> None:
        key = (version.org_id, version.model_id, version.number)

        def apply(s: RegistryStore) -> None:
            if key in s.versions:
                raise Conflict(f"version {version.number} exists")
            s.versions[key] = replace(version, version=1)

        self._stage(("versions", *key), apply)
        run = (version.org_id, version.source_run_id or "")
        if version.source_run_id:

            def check(s: RegistryStore) -> None:
                if run not in s.runs:
                    raise ValidationFailed("source_run_id names no run of the organisation")

            self._stage(("runs", *run), check)  # a condition check on the run's item

    def save(self, version: ModelVersion) -> None:
        key = (version.org_id, version.model_id, version.number)

        def apply(s: RegistryStore) -> None:
            s.versions[key] = bumped(version, s.versions.get(key), STALE_VERSION)

        self._stage(("versions", *key), apply)


class InMemoryStagePointers(FakeRepository):
    def get(self, org_id: str, model_id: str, stage: str) -> StagePointer | None:
        found: StagePointer | None = self._s.pointers.get((org_id, model_id, stage))
        return found

    def move(self, pointer: StagePointer, *, previous: StagePointer | None) -> None:
        key = (pointer.org_id, pointer.model_id, pointer.stage)

        def apply(s: RegistryStore) -> None:
            held = s.pointers.get(key)
            if previous is None:
                if held is not None:
                    raise RACED
                s.pointers[key] = replace(pointer, version=1)
                return
            if held is None or (held.number, held.version) != (previous.number, previous.version):
                raise RACED
            s.pointers[key] = replace(pointer, version=held.version + 1)

        self._stage(("pointers", *key), apply)

    def remove(self, pointer: StagePointer) -> None:
        key = (pointer.org_id, pointer.model_id, pointer.stage)

        def apply(s: RegistryStore) -> None:
            held = s.pointers.get(key)
            if held is None or (held.number, held.version) != (pointer.number, pointer.version):
                raise RACED
            del s.pointers[key]

        self._stage(("pointers", *key), apply)


class InMemoryModelAliases(FakeRepository):
    def get(self, org_id: str, model_id: str, alias: str) -> ModelAlias | None:
        found: ModelAlias | None = self._s.aliases.get((org_id, model_id, alias))
        return found

    def list(self, org_id: str, model_id: str) -> list[ModelAlias]:
        ours = [a for k, a in self._s.aliases.items() if k[:2] == (org_id, model_id)]
        return sorted(ours, key=lambda a: a.alias)

    def put(self, alias: ModelAlias) -> None:
        key = (alias.org_id, alias.model_id, alias.alias)

        def apply(s: RegistryStore) -> None:
            stored = s.aliases.get(key)
            if alias.version == 0:
                if stored is not None:
                    raise Conflict("the alias was set meanwhile")
                s.aliases[key] = replace(alias, version=1)
            else:
                s.aliases[key] = bumped(alias, stored, STALE_ALIAS)

        self._stage(("aliases", *key), apply)

    def remove(self, alias: ModelAlias) -> None:
        key = (alias.org_id, alias.model_id, alias.alias)

        def apply(s: RegistryStore) -> None:
            bumped(alias, s.aliases.get(key), STALE_ALIAS)
            del s.aliases[key]

        self._stage(("aliases", *key), apply)


def _point_key(p: MetricPoint) -> tuple[str, ...]:
    return (f"{p.number:08d}", sortable(p.recorded_at), p.id)


class InMemoryMetrics(FakeRepository):
    def add(self, point: MetricPoint) -> None:
        key = (point.org_id, point.model_id, point.id)

        def apply(s: RegistryStore) -> None:
            if key in s.points:
                raise Conflict("metric point exists")
            s.points[key] = point

        self._stage(("points", *key), apply)

    def list(
        self,
        org_id: str,
        model_id: str,
        *,
        number: int | None,
        start: datetime | None,
        end: datetime | None,
        page: PageRequest,
    ) -> Page[MetricPoint]:
        ours = sorted(
            (
                p
                for k, p in self._s.points.items()
                if k[:2] == (org_id, model_id)
                and number in (None, p.number)
                and (start is None or p.recorded_at >= start)
                and (end is None or p.recorded_at <= end)
            ),
            key=_point_key,
        )
        scope = ("metrics", org_id, model_id, number, start, end)
        return page_of(ours, page, scope=scope, key=_point_key)


class InMemoryRegistryUnitOfWork(FakeUnitOfWork):
    """Events are published to `store.events` by the commit, like the store's outbox."""

    store: RegistryStore

    def __init__(self, store: RegistryStore) -> None:
        super().__init__(store)
        self.models = InMemoryModels(self)
        self.versions = InMemoryModelVersions(self)
        self.stages = InMemoryStagePointers(self)
        self.aliases = InMemoryModelAliases(self)
        self.metrics = InMemoryMetrics(self)

    def publish(self, event: DomainEvent) -> None:
        self.staged.append(lambda s: s.events.append(event))


class FixedProjectAccess:
    """ProjectAccess with roles set by hand: {(user id, project id): role}."""

    def __init__(self) -> None:
        self.roles: dict[tuple[str, str], str] = {}

    def role(self, ctx: object, project_id: str) -> str | None:
        user = ctx.principal.user_id  # type: ignore[attr-defined]
        return self.roles.get((user, project_id))


class InMemoryRegistryStaffBrowser:
    """RegistryStaffBrowser over the store: every organisation's items, in key order."""

    def __init__(self, store: RegistryStore) -> None:
        self._store = store

    def models(self, page: PageRequest, *, task: str | None = None) -> Page[RegisteredModel]:
        found = sorted(
            (m for m in self._store.models.values() if task in (None, m.task)),
            key=lambda m: (m.org_id, m.id),
        )
        return page_of(found, page, scope=("staff-models", task), key=lambda m: (m.org_id, m.id))

    def versions(
        self, page: PageRequest, *, stage: str | None = None, status: str | None = None
    ) -> Page[ModelVersion]:
        def key(v: ModelVersion) -> tuple[str, ...]:
            return (v.org_id, v.model_id, f"{v.number:08d}")

        found = sorted(
            (
                v
                for v in self._store.versions.values()
                if stage in (None, v.stage) and status in (None, v.deployment_status)
            ),
            key=key,
        )
        return page_of(found, page, scope=("staff-versions", stage, status), key=key)
