"""The agents unit tier: services on in-memory fakes, a fresh world per test."""

from __future__ import annotations

import pytest

from tests.unit.agents.world import World


@pytest.fixture
def world() -> World:
    return World()
