"""The agent builder's staff use cases on the in-memory fakes: staff only, the list each
filter chooses, changes made through the API's services (audited `by_staff`, published),
an archived agent kept archived, a deletion purging the flow's configs, flow summaries, and
staff acting as the organisation's admins in the prompts library (private prompts too)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from domains.agents.model import Agent, CustomNodeType, NodeConfig
from domains.agents.prompts.model import Prompt
from domains.agents.prompts.selectors import PromptSelector
from domains.agents.prompts.services import PromptService
from domains.agents.prompts.staff import StaffPromptService
from domains.agents.services.staff import StaffAgentService
from domains.shared.errors import Forbidden, NotFound, ValidationFailed
from domains.shared.ids import new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.agents import FakeProjectAccess, InMemoryAgentsUnitOfWork
from tests.fakes.paging import page_of
from tests.fakes.prompts import InMemoryPromptsUnitOfWork, PromptsStore, RecordingUsage
from tests.unit.agents.world import ORG, OTHER_ORG, PROJECT, World

STAFF = Principal(new_id(), is_staff=True)
PAGE = PageRequest(25)


class StoreBrowser:
    """The staff browser over the fakes' store, each call recorded (a Scan's order is the
    store's own: here by organisation, then id)."""

    def __init__(self, world: World) -> None:
        self._s = world.store
        self.calls: list[str] = []

    def _page(self, name: str, items: Iterable[Any], page: PageRequest) -> Page[Any]:
        self.calls.append(name)
        key = lambda e: (e.org_id, getattr(e, "id", getattr(e, "type", "")))  # noqa: E731
        return page_of(sorted(items, key=key), page, scope=name, key=key)

    def agents(self, page: PageRequest, *, status: str | None = None) -> Page[Agent]:
        found = [a for a in self._s.agents.values() if not status or a.status == status]
        return self._page("scan agents", found, page)

    def org_agents(self, org_id: str, page: PageRequest) -> Page[Agent]:
        found = [a for a in self._s.agents.values() if a.org_id == org_id]
        return self._page("org agents", found, page)

    def project_agents(
        self, org_id: str, project_id: str, page: PageRequest, *, status: str | None = None
    ) -> Page[Agent]:
        found = [
            a
            for a in self._s.agents.values()
            if (a.org_id, a.project_id) == (org_id, project_id)
            and (not status or a.status == status)
        ]
        return self._page("project agents", found, page)

    def node_types(self, page: PageRequest) -> Page[CustomNodeType]:
        return self._page("scan node types", self._s.node_types.values(), page)


class OrgAdminAccess(FakeProjectAccess):
    """As the projects context answers: an organisation admin (`workspace:admin`, what staff
    hold in their staff context) is admin of every project of the organisation."""

    def role(self, ctx: TenantContext, project_id: str) -> str | None:
        if ctx.can(Permission.WORKSPACE_ADMIN) and project_id == PROJECT:
            return "admin"
        return super().role(ctx, project_id)


@pytest.fixture
def world() -> World:
    return World(projects=OrgAdminAccess())


def staff_of(world: World) -> tuple[StaffAgentService, StoreBrowser]:
    browser = StoreBrowser(world)
    service = StaffAgentService(
        uow=lambda: InMemoryAgentsUnitOfWork(world.store), browser=browser, agents=world.agents
    )
    return service, browser


def make(world: World, count: int, org: str = ORG) -> list[Agent]:
    editor = world.person("editor", org=org)
    return [world.agents.create(ctx=editor, project_id=PROJECT, name=f"a{n}") for n in range(count)]


def test_only_staff_signed_in_themselves_browse_or_change(world: World) -> None:
    staff, _ = staff_of(world)
    (agent,) = make(world, 1)
    for principal in (Principal(new_id()), Principal(STAFF.user_id, True, api_key_id="K")):
        with pytest.raises(Forbidden):
            staff.list_agents(principal=principal, page=PAGE)
        with pytest.raises(Forbidden):
            staff.archive_agents(principal=principal, keys=[(ORG, agent.id)])
    with pytest.raises(NotFound):
        staff.get_agent(principal=STAFF, org_id="not an id", agent_id=agent.id)


def test_each_filter_chooses_its_list(world: World) -> None:
    staff, browser = staff_of(world)
    ours, theirs = make(world, 3), make(world, 1, OTHER_ORG)
    world.agents.update(
        ctx=world.person("editor"), agent_id=ours[0].id, expected_version=None, status="active"
    )
    everything = staff.list_agents(principal=STAFF, page=PAGE)
    assert {a.id for a in everything.items} == {a.id for a in ours + theirs}
    by_org = staff.list_agents(principal=STAFF, page=PAGE, org_id=ORG)
    assert {a.id for a in by_org.items} == {a.id for a in ours}
    active = staff.list_agents(principal=STAFF, page=PAGE, org_id=ORG, status="active")
    assert [a.id for a in active.items] == [ours[0].id]  # the status index: no browser call
    drafts = staff.list_agents(
        principal=STAFF, page=PAGE, org_id=ORG, project_id=PROJECT, status="draft"
    )
    assert {a.id for a in drafts.items} == {ours[1].id, ours[2].id}
    assert browser.calls == ["scan agents", "org agents", "project agents"]
    with pytest.raises(ValidationFailed, match="organisation as well"):
        staff.list_agents(principal=STAFF, page=PAGE, project_id=PROJECT)
    with pytest.raises(ValidationFailed):
        staff.list_agents(principal=STAFF, page=PAGE, status="gone")


def test_changes_go_through_the_service_audited_by_staff(world: World) -> None:
    staff, _ = staff_of(world)
    (agent,) = make(world, 1)
    changed = staff.update_agent(
        principal=STAFF, org_id=ORG, agent_id=agent.id, expected_version=1, name="Triage",
        description="d", tags=["vip"], status="paused", request_id="req-9",
    )  # fmt: skip
    assert (changed.name, changed.status, changed.tags, changed.version) == (
        "Triage", "paused", {"vip"}, 2,
    )  # fmt: skip
    entry = world.store.audit[-1]
    assert (entry.action, entry.actor_id) == ("agent.update", STAFF.user_id)
    assert entry.details["by_staff"] is True and entry.request_id == "req-9"
    assert world.store.events[-1].name == "AgentUpdated"
    with pytest.raises(ValidationFailed, match="Archive action"):
        staff.update_agent(
            principal=STAFF, org_id=ORG, agent_id=agent.id, expected_version=2, name="x",
            description="", tags=[], status="archived",
        )  # fmt: skip


def test_archive_in_bulk_skips_what_cannot_be_archived_and_archived_stays(world: World) -> None:
    staff, _ = staff_of(world)
    a, b = make(world, 2)
    first = staff.archive_agents(principal=STAFF, keys=[(ORG, a.id)])
    assert first.changed == 1 and first.skipped == ()
    again = staff.archive_agents(principal=STAFF, keys=[(ORG, a.id), (ORG, b.id), (ORG, new_id())])
    assert again.changed == 1 and len(again.skipped) == 2
    assert "archived already" in again.skipped[0] and "not found" in again.skipped[1]
    renamed = staff.update_agent(
        principal=STAFF, org_id=ORG, agent_id=a.id, expected_version=None, name="Old",
        description="", tags=[], status="archived",
    )  # fmt: skip
    assert (renamed.name, renamed.status) == ("Old", "archived")


def test_delete_purges_the_flow_and_its_configs_and_summaries_count(world: World) -> None:
    staff, _ = staff_of(world)
    agent, kept = make(world, 2)
    nodes = [{"id": "i", "type": "input"}, {"id": "o", "type": "output"}]
    edges = [{"id": "e", "source": "i", "target": "o"}]
    world.flows.save(
        ctx=world.person("editor"), agent_id=agent.id, expected_version=None,
        nodes=nodes, edges=edges, canvas={},
    )  # fmt: skip
    summary = staff.get_flow(principal=STAFF, org_id=ORG, agent_id=agent.id)
    assert (summary.nodes, summary.edges, summary.version, summary.agent_name) == (2, 1, 2, "a0")
    listed = staff.list_flows(principal=STAFF, page=PAGE, org_id=ORG)
    assert {(f.agent_id, f.nodes) for f in listed.items} == {(agent.id, 2), (kept.id, 0)}
    now = world.clock.now()
    world.store.node_configs[(ORG, agent.flow_id, "i")] = NodeConfig(
        ORG, agent.flow_id, "i", "input", {}, now, "u", 1
    )
    staff.delete_agent(principal=STAFF, org_id=ORG, agent_id=agent.id, expected_version=1)
    assert (ORG, agent.id) not in world.store.agents
    assert (ORG, agent.flow_id) not in world.store.flows
    assert not [k for k in world.store.node_configs if k[1] == agent.flow_id]
    assert world.store.audit[-1].details["by_staff"] is True
    with pytest.raises(NotFound):
        staff.get_flow(principal=STAFF, org_id=ORG, agent_id=agent.id)


def test_node_types_by_organisation_or_across(world: World) -> None:
    staff, browser = staff_of(world)
    now = world.clock.now()
    for org, name in ((ORG, "sentiment"), (OTHER_ORG, "toxicity")):
        world.store.node_types[(org, name)] = CustomNodeType(org, name, {"label": name}, "u", now)
    everywhere = staff.list_node_types(principal=STAFF, page=PAGE)
    assert {t.type for t in everywhere.items} == {"sentiment", "toxicity"}
    ours = staff.list_node_types(principal=STAFF, page=PAGE, org_id=ORG)
    assert [t.type for t in ours.items] == ["sentiment"] and browser.calls == ["scan node types"]
    assert staff.get_node_type(principal=STAFF, org_id=ORG, type_="sentiment").type == "sentiment"
    with pytest.raises(NotFound):
        staff.get_node_type(principal=STAFF, org_id=ORG, type_="toxicity")


class PromptsBrowser:
    def __init__(self, store: PromptsStore) -> None:
        self._s = store

    def prompts(self, page: PageRequest, *, visibility: str | None = None) -> Page[Prompt]:
        found = [
            p for p in self._s.prompts.values() if not visibility or p.visibility == visibility
        ]
        key = lambda p: (p.org_id, p.id)  # noqa: E731
        return page_of(sorted(found, key=key), page, scope="scan prompts", key=key)


def test_staff_act_as_the_organisations_admins_in_the_prompts_library(world: World) -> None:
    store = PromptsStore()

    def uow() -> InMemoryPromptsUnitOfWork:
        return InMemoryPromptsUnitOfWork(store)

    prompts = PromptService(uow=uow, clock=world.clock, usage=RecordingUsage())
    staff = StaffPromptService(
        browser=PromptsBrowser(store), prompts=prompts, selector=PromptSelector(uow=uow)
    )
    author = world.person("editor")
    private, _ = prompts.create(ctx=author, name="Mine", template="hi", visibility="private")
    listed = staff.list_prompts(principal=STAFF, page=PAGE, org_id=ORG)
    assert [p.id for p in listed.items] == [private.id]
    public = staff.update_prompt(
        principal=STAFF, org_id=ORG, prompt_id=private.id, expected_version=1, name="Ours",
        description="", tags=[], visibility="public",
    )  # fmt: skip
    assert public.visibility == "public" and store.audit[-1].details["by_staff"] is True
    assert [
        p.id for p in staff.list_prompts(principal=STAFF, page=PAGE, visibility="public").items
    ] == [private.id]
    with pytest.raises(ValidationFailed, match="choose an organisation and a prompt"):
        staff.list_versions(principal=STAFF, page=PAGE, org_id=ORG, prompt_id=None)
    with pytest.raises(ValidationFailed, match="by itself"):
        staff.remove_alias(
            principal=STAFF, org_id=ORG, prompt_id=private.id, alias="latest", expected_version=0
        )
    with pytest.raises(Forbidden):
        staff.list_prompts(principal=Principal(new_id()), page=PAGE)
