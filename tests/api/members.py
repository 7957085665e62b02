"""Test helper: put a signed-in caller into another caller's organisation with a role."""

from __future__ import annotations

from datetime import UTC, datetime

from domains.identity.model import Membership
from nexus.container import container


def add_member(owner, user, role: str) -> None:  # type: ignore[no-untyped-def]
    """Straight through the unit of work, so role tests need no invitation round trip."""
    with container().identity.uow()() as uow:
        uow.memberships.add(Membership(owner.org_id, user.user_id, role, datetime.now(UTC)))
        uow.commit()
    user.org_id = owner.org_id
