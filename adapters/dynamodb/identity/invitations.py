"""Invitations in `organization-data` (`ORG#<org>` / `INVITE#<id>`, TTL `expires_at`).

gsi1 finds an invitation by the SHA-256 of its token, whatever its status. gsi2 is sparse:
only pending invitations carry its keys (`INVITEE#<email>`, `<expires_at iso>#<id>`), so
accepting or revoking one takes it out of its addressee's list, sorted by expiry (a key
condition on it leaves out the expired in `pending_for`; the paged lists drop them as they
read, since their cursors must not depend on `now`). Index reads are eventually
consistent; the conditional write on `status` at commit is what decides, so a stale read can
only change which error a caller gets, never let a used or revoked invitation through.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from adapters.dynamodb.identity.keys import (
    invitation_key,
    invitation_token_keys,
    invitee_keys,
    invitee_partition,
)
from adapters.dynamodb.staged import StagedRepository
from domains.identity.model import Invitation
from domains.shared.clock import isoformat
from domains.shared.errors import Conflict
from domains.shared.pagination import Page, PageRequest

NO_LONGER_PENDING = Conflict("the invitation was accepted or revoked meanwhile")
PENDING_ONLY = ("gsi2pk", "gsi2sk")


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _unexpired(
    now: datetime, page: PageRequest, query: Callable[[PageRequest], Page[Invitation]]
) -> Page[Invitation]:
    """A page of the invitations `query` finds that have not expired at `now`.

    `now` stays out of the query: a cursor is signed with the query's values, and the next
    page is asked for at a later `now`. Expired invitations still in the table (TTL deletes
    them up to days later) are dropped here, reading on until the page is full.
    """
    kept: list[Invitation] = []
    cursor = page.cursor
    while True:
        found = query(PageRequest(page.limit - len(kept), cursor))
        kept += [i for i in found.items if not i.expired(now)]
        cursor = found.next_cursor
        if len(kept) == page.limit or cursor is None:
            return Page(kept, cursor)


class DynamoInvitationRepository(StagedRepository[Invitation]):
    table = "organization-data"

    def to_item(self, entity: Invitation) -> dict[str, Any]:
        item = {
            **invitation_key(entity.org_id, entity.id),
            **invitation_token_keys(entity.token_hash),
            "id": entity.id,
            "org_id": entity.org_id,
            "email": entity.email,
            "role": entity.role,
            "invited_by": entity.invited_by,
            "token_hash": entity.token_hash,
            "status": entity.status,
            "created_at": entity.created_at,
            "expires_at": _epoch(entity.expires_at),
            "accepted_by": entity.accepted_by,
            "accepted_at": entity.accepted_at,
            "revoked_at": entity.revoked_at,
        }
        if entity.status == "pending":
            item |= invitee_keys(entity.email, isoformat(entity.expires_at), entity.id)
        return item

    def from_item(self, item: dict[str, Any]) -> Invitation:
        return Invitation(
            id=item["id"],
            org_id=item["org_id"],
            email=item["email"],
            role=item["role"],
            invited_by=item["invited_by"],
            token_hash=item["token_hash"],
            created_at=item["created_at"],
            expires_at=datetime.fromtimestamp(item["expires_at"], UTC),
            status=item["status"],
            accepted_by=item.get("accepted_by"),
            accepted_at=item.get("accepted_at"),
            revoked_at=item.get("revoked_at"),
            version=item.get("version", 0),
        )

    def get(self, org_id: str, invitation_id: str) -> Invitation | None:
        return self._get(invitation_key(org_id, invitation_id), consistent=True)

    def get_by_token_hash(self, token_hash: str) -> Invitation | None:
        gsi1pk = invitation_token_keys(token_hash)["gsi1pk"]
        page = self._query_page(Key("gsi1pk").eq(gsi1pk), index="gsi1", page=PageRequest(1))
        return page.items[0] if page.items else None

    def list_pending(self, org_id: str, *, now: datetime, page: PageRequest) -> Page[Invitation]:
        prefix = invitation_key(org_id, "")
        theirs = Key("pk").eq(prefix["pk"]) & Key("sk").begins_with(prefix["sk"])
        pending = Attr("status").eq("pending")
        return _unexpired(now, page, lambda p: self._query_page(theirs, filter=pending, page=p))

    def list_for_email(self, email: str, *, now: datetime, page: PageRequest) -> Page[Invitation]:
        addressed = Key("gsi2pk").eq(invitee_partition(email))
        return _unexpired(now, page, lambda p: self._query_page(addressed, index="gsi2", page=p))

    def pending_for(self, org_id: str, email: str, *, now: datetime) -> Invitation | None:
        page = self._query_page(
            self._addressed_to(email, now),
            index="gsi2",
            filter=Attr("org_id").eq(org_id),
            page=PageRequest(1),
        )
        return page.items[0] if page.items else None

    @staticmethod
    def _addressed_to(email: str, now: datetime) -> Any:
        # `~` sorts above every id: an invitation expiring at `now` itself has expired.
        after_now = f"{isoformat(now)}#~"
        return Key("gsi2pk").eq(invitee_partition(email)) & Key("gsi2sk").gt(after_now)

    def add(self, invitation: Invitation) -> None:
        self._stage_insert(self.to_item(invitation), on_condition=Conflict("invitation exists"))

    def accept(self, invitation: Invitation, *, user_id: str, at: datetime) -> None:
        self._close(invitation, {"status": "accepted", "accepted_by": user_id, "accepted_at": at})

    def revoke(self, invitation: Invitation, *, at: datetime) -> None:
        self._close(invitation, {"status": "revoked", "revoked_at": at})

    def _close(self, invitation: Invitation, changes: dict[str, Any]) -> None:
        """Leave `pending` for good (only from `pending`) and drop out of the invitee index."""
        self._stage_update(
            invitation_key(invitation.org_id, invitation.id),
            set=changes,
            remove=PENDING_ONLY,
            condition=Attr("status").eq("pending"),
            version=invitation.version,
            on_condition=NO_LONGER_PENDING,
        )
