"""In-memory fake of the invitation repository."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from domains.identity.model import Invitation
from domains.shared.errors import Conflict
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import page_of, sortable
from tests.fakes.staged import FakeRepository


def _by_id(invitation: Invitation) -> tuple[str]:
    return (invitation.id,)


def _by_expiry(invitation: Invitation) -> tuple[str, str]:
    return sortable(invitation.expires_at), invitation.id


class InMemoryInvitations(FakeRepository):
    """Keyed by (org, id) like the table; lists keep only pending, unexpired invitations."""

    def get(self, org_id: str, invitation_id: str) -> Invitation | None:
        found: Invitation | None = self._s.invitations.get((org_id, invitation_id))
        return found

    def get_by_token_hash(self, token_hash: str) -> Invitation | None:
        return next((i for i in self._s.invitations.values() if i.token_hash == token_hash), None)

    def _pending(self, now: datetime) -> list[Invitation]:
        found = self._s.invitations.values()
        return [i for i in found if i.status == "pending" and not i.expired(now)]

    def list_pending(self, org_id: str, *, now: datetime, page: PageRequest) -> Page[Invitation]:
        ours = (i for i in self._pending(now) if i.org_id == org_id)
        scope = ("invitations", org_id)
        return page_of(sorted(ours, key=_by_id), page, scope=scope, key=_by_id)

    def list_for_email(self, email: str, *, now: datetime, page: PageRequest) -> Page[Invitation]:
        scope = ("invitee", email)
        return page_of(self._addressed_to(email, now), page, scope=scope, key=_by_expiry)

    def pending_for(self, org_id: str, email: str, *, now: datetime) -> Invitation | None:
        found = self._addressed_to(email, now)
        return next((i for i in found if i.org_id == org_id), None)

    def _addressed_to(self, email: str, now: datetime) -> list[Invitation]:
        mine = (i for i in self._pending(now) if i.email == email)
        return sorted(mine, key=_by_expiry)

    def add(self, invitation: Invitation) -> None:
        def apply(s: Any) -> None:
            key = (invitation.org_id, invitation.id)
            if key in s.invitations:
                raise Conflict("invitation exists")
            s.invitations[key] = replace(invitation, version=1)

        self._stage(("invitation", invitation.org_id, invitation.id), apply)

    def accept(self, invitation: Invitation, *, user_id: str, at: datetime) -> None:
        self._close(invitation, status="accepted", accepted_by=user_id, accepted_at=at)

    def revoke(self, invitation: Invitation, *, at: datetime) -> None:
        self._close(invitation, status="revoked", revoked_at=at)

    def _close(self, invitation: Invitation, **changes: Any) -> None:
        def apply(s: Any) -> None:
            key = (invitation.org_id, invitation.id)
            stored = s.invitations.get(key)
            if stored is None or stored.status != "pending" or stored.version != invitation.version:
                raise Conflict("the invitation was accepted or revoked meanwhile")
            s.invitations[key] = replace(stored, version=stored.version + 1, **changes)

        self._stage(("invitation", invitation.org_id, invitation.id), apply)
