"""The prompts unit tier: the services on in-memory fakes, a fresh world per test."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from domains.agents.prompts.model import PromptVariable
from domains.agents.prompts.selectors import PromptSelector
from domains.agents.prompts.services import PromptService
from domains.shared.clock import FixedClock
from domains.shared.ids import new_id
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.prompts import InMemoryPromptsUnitOfWork, PromptsStore, RecordingUsage

ORG = new_id()
OTHER_ORG = new_id()
VARIABLES = (PromptVariable("name"), PromptVariable("n", "number", required=False, default=2))


@dataclass
class World:
    store: PromptsStore = field(default_factory=PromptsStore)
    clock: FixedClock = field(default_factory=FixedClock)
    usage: RecordingUsage = field(default_factory=RecordingUsage)

    def __post_init__(self) -> None:
        def uow() -> InMemoryPromptsUnitOfWork:
            return InMemoryPromptsUnitOfWork(self.store)

        self.prompts = PromptService(uow=uow, clock=self.clock, usage=self.usage)
        self.selector = PromptSelector(uow=uow)

    def person(self, role: str, org: str = ORG) -> TenantContext:
        return TenantContext(org, Principal(f"{role}-{new_id()}"), role, permissions_for(role))


@pytest.fixture
def world() -> World:
    return World()
