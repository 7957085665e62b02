"""Deleting a user for staff: what names them goes with them.

Their memberships are removed (each organisation's member count kept by ADD, an entry in
its audit log), the API keys they created revoked (a key acts for its creator), their API
sessions revoked, their e-mail claim released so the address can register again, and their
profile deleted, with a platform-level audit entry. Refused while they are the sole owner
of an organisation. Their browser (admin) sessions are ended by the caller, outside the
transaction (they are not domain items).

It is one commit whenever it fits in one transaction (MAX_WRITES). A user with more
sessions or organisations than that has the rest committed first, in as few commits as
needed, each audited (`staff.user.delete_step`), and the profile last: the last commit is
filled first, with memberships before sessions, so a deletion that fails midway has at most
signed the user out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from domains.identity.model import ApiKey, Membership, Session, User, ensure_an_owner_remains
from domains.identity.ports import IdentityUnitOfWork, UnitOfWorkFactory
from domains.identity.services.staff_access import staff_entry
from domains.shared.audit import AuditEntry, audit
from domains.shared.errors import Conflict
from domains.shared.guards import check_version, found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal
from domains.shared.uow import MAX_WRITES

PROFILE_WRITES = 2  # the profile and its e-mail claim
LEAVE_WRITES = 3  # the membership, the ADD to its organisation's count, the organisation's entry


@dataclass(frozen=True)
class UserDeletion:
    """What a deletion ended: organisations left, API sessions, API keys, browser sessions."""

    user_id: str
    organizations: tuple[str, ...]
    sessions: int
    api_keys: tuple[str, ...]
    web_sessions: int = 0


@dataclass(frozen=True)
class _Writes:
    """Writes staged together (`size` of them, as a transaction counts) and what they end."""

    size: int
    stage: Callable[[IdentityUnitOfWork], None]
    org_id: str | None = None
    sessions: int = 0
    api_keys: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Call:
    principal: Principal
    request_id: str
    at: datetime


def delete_user(
    uow_factory: UnitOfWorkFactory,
    *,
    principal: Principal,
    user_id: str,
    expected_version: int | None,
    at: datetime,
    request_id: str = "",
) -> UserDeletion:
    call = _Call(principal, request_id, at)
    with uow_factory() as uow:
        user = found(uow.users.get(user_id) if is_valid_id(user_id) else None, "user")
        check_version(expected_version, user.version, "user")
        memberships = list(_memberships(uow, user_id))
        _refuse_sole_ownership(uow, user, memberships)
        writes = [_revoke_session(s, call) for s in _usable_sessions(uow, user_id, at)]
        for member in memberships:
            keys = uow.api_keys.usable_created_by(member.org_id, user_id, now=at)
            writes.append(_leave(member, keys, call))
    commits = pack(writes, last=PROFILE_WRITES)
    for n, chunk in enumerate(commits, start=1):
        with uow_factory() as uow:
            for group in chunk:
                group.stage(uow)
            details = _ended(chunk)
            if n < len(commits):
                part = f"{n} of {len(commits)}"
                uow.audit(_entry(user, call, "staff.user.delete_step", part=part, **details))
            else:
                uow.users.remove(user)
                uow.audit(_entry(user, call, "staff.user.delete", email=user.email, **details))
            uow.commit()
    return UserDeletion(
        user_id=user.id,
        organizations=tuple(m.org_id for m in memberships),
        sessions=sum(w.sessions for w in writes),
        api_keys=tuple(k for w in writes for k in w.api_keys),
    )


def pack(writes: list[_Writes], *, last: int, limit: int = MAX_WRITES) -> list[list[_Writes]]:
    """`writes` in order, cut into commits of at most `limit` writes, one of each kept for
    its audit entry. Filled from the end: the last commit, holding `last` writes of its own
    too, takes the final groups."""
    commits: list[list[_Writes]] = [[]]
    room = limit - 1 - last
    for group in reversed(writes):
        if group.size > room:
            commits.append([])
            room = limit - 1
        commits[-1].insert(0, group)
        room -= group.size
    return commits[::-1]


def _memberships(uow: IdentityUnitOfWork, user_id: str) -> Iterator[Membership]:
    cursor = None
    while True:
        page = uow.memberships.list_for_user(user_id, PageRequest(100, cursor))
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _usable_sessions(uow: IdentityUnitOfWork, user_id: str, at: datetime) -> list[Session]:
    return [s for s in uow.sessions.list_for_user(user_id) if s.usable(at)]


def _refuse_sole_ownership(
    uow: IdentityUnitOfWork, user: User, memberships: list[Membership]
) -> None:
    sole = []
    for member in memberships:
        try:
            ensure_an_owner_remains(uow.memberships.owners(member.org_id), member)
        except Conflict:
            sole.append(member.org_id)
    if not sole:
        return
    names = {o.id: o.name for o in uow.organizations.get_many(sole)}
    listed = ", ".join(f"{names.get(org_id, 'an organisation')} ({org_id})" for org_id in sole)
    raise Conflict(
        f"{user.email} is the sole owner of {listed} and cannot be deleted: "
        "make another member owner of each first"
    )


def _revoke_session(session: Session, call: _Call) -> _Writes:
    def stage(uow: IdentityUnitOfWork) -> None:
        uow.sessions.revoke(session, call.at)

    return _Writes(1, stage, sessions=1)


def _leave(member: Membership, keys: list[ApiKey], call: _Call) -> _Writes:
    revoked = {"revoked_api_keys": sorted(k.id for k in keys)} if keys else {}
    entry = audit(
        org_id=member.org_id,
        principal=call.principal,
        action="member.remove",
        resource=("member", member.user_id),
        at=call.at,
        request_id=call.request_id,
        by_staff=True,
        user_deleted=True,
        **revoked,
    )

    def stage(uow: IdentityUnitOfWork) -> None:
        uow.memberships.remove(member)
        for key in keys:
            uow.api_keys.revoke(key, call.at)
        uow.audit(entry)

    ids = tuple(k.id for k in keys)
    return _Writes(LEAVE_WRITES + len(keys), stage, org_id=member.org_id, api_keys=ids)


def _ended(chunk: list[_Writes]) -> dict[str, object]:
    return {
        "organizations": [w.org_id for w in chunk if w.org_id],
        "revoked_sessions": sum(w.sessions for w in chunk),
        "revoked_api_keys": [k for w in chunk for k in w.api_keys],
    }


def _entry(user: User, call: _Call, action: str, **details: object) -> AuditEntry:
    return staff_entry(
        call.principal, action, user.id, at=call.at, request_id=call.request_id, **details
    )
