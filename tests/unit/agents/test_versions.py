"""Agent versions on fakes: publish (validated, numbered under races, pins resolved), list,
read, diff, restore (If-Match on the flow), purge with the agent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import pytest

from adapters.dynamodb.agents.prompt_pins import PromptLibraryPins
from adapters.validation.json_schema import JsonSchemaValidator
from domains.agents.model import Agent
from domains.agents.prompts.model import PromptVariable
from domains.agents.prompts.services import PromptService
from domains.agents.services.versions import AgentVersionService
from domains.agents.versions import AgentVersion, field_changes
from domains.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import TenantContext
from tests.fakes.prompts import InMemoryPromptsUnitOfWork, PromptsStore, RecordingUsage
from tests.unit.agents.world import OTHER_ORG, PROJECT, World

NODES: list[dict[str, Any]] = [
    {"id": "i", "type": "input", "position": {"x": 0, "y": 0}},
    {"id": "p", "type": "prompt", "position": {"x": 1, "y": 0}},
    {"id": "llm", "type": "llm_call", "position": {"x": 2, "y": 0}},
    {"id": "o", "type": "output", "position": {"x": 3, "y": 0}},
]
EDGES = [
    {"id": "e1", "source": "i", "target": "p"},
    {"id": "e2", "source": "p", "target": "llm"},
    {"id": "e3", "source": "llm", "target": "o"},
]


@dataclass
class Versions:
    world: World
    prompts: PromptService
    service: AgentVersionService
    pins: PromptLibraryPins


@pytest.fixture
def v(world: World) -> Versions:
    store = PromptsStore()
    prompt_uow = lambda: InMemoryPromptsUnitOfWork(store)  # noqa: E731
    prompts = PromptService(uow=prompt_uow, clock=world.clock, usage=RecordingUsage())
    pins = PromptLibraryPins(prompt_uow)
    service = AgentVersionService(
        uow=world.agents._uow,
        clock=world.clock,
        projects=world.projects,
        validator=JsonSchemaValidator(),
        pins=pins,
    )
    return Versions(world, prompts, service, pins)


def _agent(v: Versions, editor: TenantContext, nodes: list[Any] = NODES) -> Agent:
    agent = v.world.agents.create(ctx=editor, project_id=PROJECT, name="a")
    v.world.flows.save(
        ctx=editor, agent_id=agent.id, expected_version=None, nodes=nodes, edges=EDGES, canvas={}
    )
    _configure(v, editor, agent, "llm", model="gpt-4o-mini", temperature=0.2)
    return agent


def _configure(v: Versions, editor: TenantContext, agent: Agent, node: str, **config: Any) -> None:
    v.world.node_types.put_config(
        ctx=editor, flow_id=agent.flow_id, node_id=node, config=config, expected_version=None
    )


def _prompt(v: Versions, editor: TenantContext, versions: int = 1) -> str:
    prompt, _ = v.prompts.create(
        ctx=editor, name="p", template="Hi {{name}}", variables=[PromptVariable("name")]
    )
    for _ in range(versions - 1):
        v.prompts.add_version(
            ctx=editor,
            prompt_id=prompt.id,
            template="Hey {{name}}",
            variables=[PromptVariable("name")],
        )
    return prompt.id


def test_publish_snapshots_the_flow_and_configs_with_defaults(v: Versions) -> None:
    editor = v.world.person("editor")
    agent = _agent(v, editor)
    first = v.service.publish(ctx=editor, agent_id=agent.id, note=" first ")
    assert (first.number, first.note, first.created_by) == (1, "first", editor.principal.user_id)
    assert first.nodes == NODES and first.edges == EDGES
    assert first.configs["llm"]["config"]["model"] == "gpt-4o-mini"
    assert first.configs["llm"]["config"]["max_tokens"] > 0  # a default filled in
    assert first.configs["o"] == {"type": "output", "config": {"format": "text"}}
    second = v.service.publish(ctx=editor, agent_id=agent.id)
    assert second.number == 2
    stored, _ = v.world.agents.get(ctx=editor, agent_id=agent.id)
    assert stored.published_version == 2
    viewer = v.world.person("viewer")
    assert [
        x.number for x in v.service.list(ctx=viewer, agent_id=agent.id, page=PageRequest()).items
    ] == [2, 1]
    assert v.service.get(ctx=viewer, agent_id=agent.id, number=1) == first
    published = [e for e in v.world.store.events if e.name == "AgentVersionPublished"]
    assert [e.data["number"] for e in published] == [1, 2]
    assert v.world.store.audit[-1].action == "agent_version.publish"


def test_publish_reports_every_problem_by_node(v: Versions) -> None:
    editor = v.world.person("editor")
    agent = v.world.agents.create(ctx=editor, project_id=PROJECT, name="a")
    nodes = [*NODES, {"id": "t", "type": "tool"}]  # a tool without its required `tool`
    v.world.flows.save(
        ctx=editor, agent_id=agent.id, expected_version=None, nodes=nodes, edges=EDGES, canvas={}
    )
    _configure(v, editor, agent, "p", prompt_id="01JUNKPROMPTID0000000000AB")
    with pytest.raises(ValidationFailed) as raised:
        v.service.publish(ctx=editor, agent_id=agent.id)
    locs = sorted(tuple(cast(list[str], p["loc"])) for p in raised.value.errors)
    assert locs == [("nodes", "p", "config", "prompt_id"), ("nodes", "t", "config", "tool")]
    assert v.world.store.versions == {}


def test_publishing_an_empty_flow_is_422(v: Versions) -> None:
    editor = v.world.person("editor")
    agent = v.world.agents.create(ctx=editor, project_id=PROJECT, name="a")
    with pytest.raises(ValidationFailed) as raised:
        v.service.publish(ctx=editor, agent_id=agent.id)
    assert len(raised.value.errors) == 2  # no input, no output


def test_pins_resolve_to_a_concrete_version_that_stays(v: Versions) -> None:
    editor = v.world.person("editor")
    agent = _agent(v, editor)
    prompt_id = _prompt(v, editor, versions=3)
    v.prompts.set_alias(ctx=editor, prompt_id=prompt_id, alias="production", number=2)
    _configure(v, editor, agent, "p", prompt_id=prompt_id, prompt_alias="production")
    first = v.service.publish(ctx=editor, agent_id=agent.id)
    assert first.configs["p"]["config"]["prompt_version"] == 2
    v.prompts.set_alias(
        ctx=editor, prompt_id=prompt_id, alias="production", number=3, expected_version=1
    )
    assert (
        v.service.get(ctx=editor, agent_id=agent.id, number=1).configs["p"]["config"][
            "prompt_version"
        ]
        == 2
    )  # immutable
    assert (
        v.service.publish(ctx=editor, agent_id=agent.id).configs["p"]["config"]["prompt_version"]
        == 3
    )
    _configure(v, editor, agent, "p", prompt_id=prompt_id, prompt_version=1)
    assert (
        v.service.publish(ctx=editor, agent_id=agent.id).configs["p"]["config"]["prompt_version"]
        == 1
    )
    _configure(v, editor, agent, "p", prompt_id=prompt_id)  # unpinned: the latest, recorded
    assert (
        v.service.publish(ctx=editor, agent_id=agent.id).configs["p"]["config"]["prompt_version"]
        == 3
    )


@pytest.mark.parametrize(
    ("pin", "field"),
    [
        ({"prompt_version": 9}, "prompt_version"),
        ({"prompt_alias": "nope"}, "prompt_alias"),
    ],
)
def test_a_missing_version_or_alias_is_422_naming_the_node(
    v: Versions, pin: dict[str, Any], field: str
) -> None:
    editor = v.world.person("editor")
    agent = _agent(v, editor)
    prompt_id = _prompt(v, editor)
    _configure(v, editor, agent, "p", prompt_id=prompt_id, **pin)
    with pytest.raises(ValidationFailed) as raised:
        v.service.publish(ctx=editor, agent_id=agent.id)
    assert [p["loc"] for p in raised.value.errors] == [["nodes", "p", "config", field]]


def test_a_pin_without_a_prompt_and_a_private_prompt_of_someone_else(v: Versions) -> None:
    editor, author = v.world.person("editor"), v.world.person("editor")
    agent = _agent(v, editor)
    _configure(v, editor, agent, "p", prompt_version=1)
    with pytest.raises(ValidationFailed) as raised:
        v.service.publish(ctx=editor, agent_id=agent.id)
    assert raised.value.errors[0]["loc"] == ["nodes", "p", "config", "prompt_id"]
    private, _ = v.prompts.create(ctx=author, name="mine", template="x", visibility="private")
    assert v.pins.resolve(author, private.id, version=1, alias=None) == 1
    assert v.pins.resolve(editor, private.id, version=1, alias=None) is None
    other_org = v.world.person("editor", org=OTHER_ORG)
    assert v.pins.resolve(other_org, private.id, version=None, alias=None) is None


def test_two_racing_publishes_take_two_numbers(v: Versions) -> None:
    editor, rival = v.world.person("editor"), v.world.person("editor")
    agent = _agent(v, editor)
    prompt_id = _prompt(v, editor)
    _configure(v, editor, agent, "p", prompt_id=prompt_id, prompt_version=1)
    real = v.pins.resolve
    raced: list[AgentVersion] = []
    started: list[TenantContext] = []

    def resolve_then_race(ctx: TenantContext, pid: str, **pin: Any) -> int | None:
        # While `editor` is between reading the agent and committing, `rival` publishes.
        if not started:
            started.append(ctx)
            raced.append(v.service.publish(ctx=rival, agent_id=agent.id))
        return real(ctx, pid, **pin)

    v.pins.resolve = resolve_then_race  # type: ignore[method-assign,assignment]
    mine = v.service.publish(ctx=editor, agent_id=agent.id)
    assert (raced[0].number, mine.number) == (1, 2)
    assert (raced[0].created_by, mine.created_by) == (
        rival.principal.user_id,
        editor.principal.user_id,
    )
    assert sorted(v.world.store.versions) == [
        (agent.org_id, agent.id, 1),
        (agent.org_id, agent.id, 2),
    ]


def test_a_publisher_that_always_loses_gets_409(v: Versions) -> None:
    editor = v.world.person("editor")
    agent = _agent(v, editor)
    inner = v.service._uow
    commits: list[int] = []

    class LosingEveryRace:
        """Someone renames the agent between the publish's read and its commit."""

        def __init__(self) -> None:
            self.uow = inner()

        def __enter__(self) -> Any:
            self.uow.__enter__()
            real_commit = self.uow.commit

            def commit() -> None:
                commits.append(1)
                v.world.agents.update(
                    ctx=editor, agent_id=agent.id, expected_version=None, name=f"m{len(commits)}"
                )
                real_commit()

            self.uow.commit = commit  # type: ignore[method-assign]
            return self.uow

        def __exit__(self, *exc: Any) -> None:
            self.uow.__exit__(*exc)

    v.service._uow = LosingEveryRace  # type: ignore[assignment]
    with pytest.raises(Conflict):
        v.service.publish(ctx=editor, agent_id=agent.id)
    assert len(commits) == 5
    assert v.world.store.versions == {}


def test_roles_and_tenants(v: Versions) -> None:
    editor = v.world.person("editor")
    agent = _agent(v, editor)
    v.service.publish(ctx=editor, agent_id=agent.id)
    viewer = v.world.person("viewer")
    with pytest.raises(Forbidden):
        v.service.publish(ctx=viewer, agent_id=agent.id)
    flow = v.world.flows.get(ctx=editor, agent_id=agent.id)
    with pytest.raises(Forbidden):
        v.service.restore(ctx=viewer, agent_id=agent.id, number=1, expected_version=flow.version)
    stranger = v.world.person("editor", org=OTHER_ORG)
    outsider = v.world.person(None)
    for who in (stranger, outsider):
        with pytest.raises(NotFound):
            v.service.list(ctx=who, agent_id=agent.id, page=PageRequest())
        with pytest.raises(NotFound):
            v.service.get(ctx=who, agent_id=agent.id, number=1)
    with pytest.raises(NotFound):
        v.service.get(ctx=viewer, agent_id=agent.id, number=2)
    with pytest.raises(NotFound):
        v.service.diff(ctx=viewer, agent_id=agent.id, number=1, against=0)


def test_an_archived_agent_is_not_published(v: Versions) -> None:
    editor = v.world.person("editor")
    agent = _agent(v, editor)
    v.world.agents.archive(ctx=editor, agent_id=agent.id)
    with pytest.raises(Conflict):
        v.service.publish(ctx=editor, agent_id=agent.id)


def test_diff_names_added_removed_and_changed_fields(v: Versions) -> None:
    editor = v.world.person("editor")
    agent = _agent(v, editor)
    v.service.publish(ctx=editor, agent_id=agent.id)
    flow = v.world.flows.get(ctx=editor, agent_id=agent.id)
    nodes = [
        {**n, "position": {"x": 9, "y": 0}} if n["id"] == "i" else n
        for n in NODES
        if n["id"] != "p"
    ] + [{"id": "p2", "type": "prompt"}]
    edges = [
        {"id": "e1", "source": "i", "target": "p2"},
        {"id": "e2b", "source": "p2", "target": "llm"},
        EDGES[2],
    ]
    v.world.flows.save(
        ctx=editor,
        agent_id=agent.id,
        expected_version=flow.version,
        nodes=nodes,
        edges=edges,
        canvas={},
    )
    _configure(v, editor, agent, "llm", model="gpt-4o", temperature=0.2, system_prompt="be brief")
    v.service.publish(ctx=editor, agent_id=agent.id)
    diff = v.service.diff(ctx=v.world.person("viewer"), agent_id=agent.id, number=1, against=2)
    assert (diff.base, diff.against) == (1, 2)
    assert (diff.nodes.added, diff.nodes.removed) == (["p2"], ["p"])
    changed = {c.id: [(f.path, f.before, f.after) for f in c.changes] for c in diff.nodes.changed}
    assert changed == {
        "i": [("position.x", 0, 9)],
        "llm": [
            ("config.model", "gpt-4o-mini", "gpt-4o"),
            ("config.system_prompt", "", "be brief"),
        ],
    }
    assert (diff.edges.added, diff.edges.removed) == (["e2b"], ["e2"])
    assert [(c.id, [f.path for f in c.changes]) for c in diff.edges.changed] == [("e1", ["target"])]
    same = v.service.diff(ctx=editor, agent_id=agent.id, number=2, against=2)
    assert same.nodes.changed == [] and same.edges.added == []


def test_restore_writes_the_flow_and_configs_back(v: Versions) -> None:
    editor = v.world.person("editor")
    agent = _agent(v, editor)
    v.service.publish(ctx=editor, agent_id=agent.id)
    flow = v.world.flows.get(ctx=editor, agent_id=agent.id)
    v.world.flows.save(
        ctx=editor,
        agent_id=agent.id,
        expected_version=flow.version,
        nodes=[*NODES, {"id": "x", "type": "memory"}],
        edges=EDGES,
        canvas={"zoom": 3},
    )
    _configure(v, editor, agent, "llm", model="other")
    _configure(v, editor, agent, "x")
    draft = v.world.flows.get(ctx=editor, agent_id=agent.id)
    with pytest.raises(PreconditionFailed):
        v.service.restore(ctx=editor, agent_id=agent.id, number=1, expected_version=flow.version)
    restored = v.service.restore(
        ctx=editor, agent_id=agent.id, number=1, expected_version=draft.version
    )
    assert restored.version == draft.version + 1
    again = v.world.flows.get(ctx=editor, agent_id=agent.id)
    assert (again.nodes, again.edges, again.canvas, again.version) == (
        NODES,
        EDGES,
        {},
        restored.version,
    )
    llm = v.world.node_types.get_config(ctx=editor, flow_id=agent.flow_id, node_id="llm")
    assert llm.config["model"] == "gpt-4o-mini"
    assert v.world.store.node_configs.get((agent.org_id, agent.flow_id, "x")) is None
    assert v.world.store.events[-1].name == "AgentVersionRestored"
    with pytest.raises(NotFound):
        v.service.restore(ctx=editor, agent_id=agent.id, number=7, expected_version=None)


def test_deleting_the_agent_purges_its_versions(v: Versions) -> None:
    editor, admin = v.world.person("editor"), v.world.person("admin")
    agent = _agent(v, editor)
    other = _agent(v, editor)
    v.service.publish(ctx=editor, agent_id=agent.id)
    v.service.publish(ctx=editor, agent_id=other.id)
    v.world.agents.delete(ctx=admin, agent_id=agent.id)
    assert sorted(k[1] for k in v.world.store.versions) == [other.id]


def test_restore_writes_only_configs_that_differ_from_what_the_draft_reads(v: Versions) -> None:
    editor = v.world.person("editor")
    agent = v.world.agents.create(ctx=editor, project_id=PROJECT, name="a")
    v.world.flows.save(
        ctx=editor, agent_id=agent.id, expected_version=None, nodes=NODES, edges=EDGES, canvas={}
    )
    v.service.publish(ctx=editor, agent_id=agent.id)  # every config its type's defaults
    _configure(v, editor, agent, "llm", model="changed")
    v.service.restore(ctx=editor, agent_id=agent.id, number=1, expected_version=None)
    stored = {k[2]: c for k, c in v.world.store.node_configs.items()}
    assert list(stored) == ["llm"]  # the others read as their defaults without a write
    assert stored["llm"].config["model"] == "gpt-4o-mini" and stored["llm"].version == 2
    for node in ("i", "p", "o"):
        got = v.world.node_types.get_config(ctx=editor, flow_id=agent.flow_id, node_id=node)
        assert (
            got.config
            == v.service.get(ctx=editor, agent_id=agent.id, number=1).configs[node]["config"]
        )


def test_field_changes_walk_maps_and_compare_leaves_by_type() -> None:
    before = {"a": {"b": 1, "c": [1, 2]}, "d": True, "gone": 1}
    after = {"a": {"b": 2, "c": [1, 2], "new": {"x": 1}}, "d": 1}
    assert [(c.path, c.before, c.after) for c in field_changes(before, after)] == [
        ("a.b", 1, 2),
        ("a.new", None, {"x": 1}),
        ("d", True, 1),
        ("gone", 1, None),
    ]


def test_pins_name_latest_by_alias_or_by_leaving_the_number_out(v: Versions) -> None:
    editor = v.world.person("editor")
    prompt_id = _prompt(v, editor, versions=2)
    pins = v.pins
    assert pins.resolve(editor, prompt_id, version=None, alias="latest") == 2
    assert pins.resolve(editor, prompt_id, version=None, alias=None) == 2
    assert pins.resolve(editor, prompt_id, version=1, alias=None) == 1
    assert pins.resolve(editor, prompt_id, version=3, alias=None) is None
    assert pins.resolve(editor, prompt_id, version=0, alias=None) is None
    assert pins.resolve(editor, "not-an-id", version=1, alias=None) is None
