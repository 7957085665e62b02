"""Accepting an invitation publishes MemberJoined (the analytics' template adoption counts
joiners by it) in the acceptance's own transaction; creating an organisation publishes none
(its creator is its first member, not a joiner)."""

from __future__ import annotations

import pytest

from domains.shared.errors import Conflict
from tests.unit.identity.test_invitations import World, owner, world

__all__ = ["owner", "world"]


def test_accepting_an_invitation_publishes_member_joined(world: World, owner) -> None:  # type: ignore[no-untyped-def]
    assert world.store.events == []  # the organisation's creation
    token = world.invitations.create(ctx=owner, email="bob@example.com", role="member").token
    bob = world.user("BOB", "bob@example.com")
    world.invitations.accept(principal=bob, token=token)
    [event] = world.store.events
    assert (event.name, event.org_id, event.actor_id) == ("MemberJoined", world.org_id, "BOB")
    assert (event.resource_type, event.resource_id) == ("member", "BOB")
    assert (event.at, event.data) == (world.clock.now(), {"role": "member"})
    with pytest.raises(Conflict):
        world.invitations.accept(principal=bob, token=token)
    assert len(world.store.events) == 1
