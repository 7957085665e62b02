"""What staff do inside organisations (the Django admin calls these): organisations, their
members, API keys, content records and audit log, in any organisation.

With an organisation named, each list is the tenant's own Query; without, a paginated Scan
through the staff browser. Every change is audited in the organisation it touches.
"""

from __future__ import annotations

from dataclasses import replace

from domains.identity.model import (
    ApiKey,
    Content,
    Membership,
    Organization,
    check_name,
    check_role,
    ensure_an_owner_remains,
)
from domains.identity.ports import (
    AuditFilter,
    AuditLogReader,
    IdentityUnitOfWork,
    UnitOfWorkFactory,
)
from domains.identity.services.staff_access import StaffBrowser, require_staff
from domains.shared.audit import AuditEntry, audit
from domains.shared.clock import Clock
from domains.shared.errors import ValidationFailed
from domains.shared.guards import check_version, found
from domains.shared.ids import is_valid_id, new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.tenancy import Principal


def _ids(*ids: str) -> bool:
    return all(is_valid_id(i) for i in ids)


def _existing_user(uow: IdentityUnitOfWork, user_id: str, field: str) -> None:
    """A user named in a form must exist: a field error, not a missing page."""
    if not (is_valid_id(user_id) and uow.users.get(user_id)):
        raise ValidationFailed(
            "no such user", errors=[{"loc": [field], "msg": "no user has this id"}]
        )


class StaffTenantService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        browser: StaffBrowser,
        audit_reader: AuditLogReader,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._browser = browser
        self._audit = audit_reader

    # -- organisations -------------------------------------------------------------------------

    def list_organizations(self, *, principal: Principal, page: PageRequest) -> Page[Organization]:
        require_staff(principal)
        return self._browser.organizations(page)

    def get_organization(self, *, principal: Principal, org_id: str) -> Organization:
        require_staff(principal)
        with self._uow() as uow:
            return found(uow.organizations.get(org_id) if _ids(org_id) else None, "organisation")

    def create_organization(
        self,
        *,
        principal: Principal,
        owner_id: str,
        name: str,
        description: str = "",
        request_id: str = "",
    ) -> Organization:
        """An organisation owned by an existing user (its first member)."""
        require_staff(principal)
        now = self._clock.now()
        org = Organization(
            new_id(), check_name(name), owner_id, now, now, description.strip(), member_count=1
        )
        with self._uow() as uow:
            _existing_user(uow, owner_id, "owner_id")
            uow.organizations.add(org)
            uow.memberships.add(Membership(org.id, owner_id, "owner", now), count=False)
            uow.audit(self._entry(principal, org.id, "organization.create", org.id, request_id))
            uow.commit()
        return replace(org, version=1)

    def update_organization(
        self,
        *,
        principal: Principal,
        org_id: str,
        expected_version: int | None,
        name: str,
        description: str,
        request_id: str = "",
    ) -> Organization:
        require_staff(principal)
        now = self._clock.now()
        with self._uow() as uow:
            org = found(uow.organizations.get(org_id) if _ids(org_id) else None, "organisation")
            check_version(expected_version, org.version, "organisation")
            changed = replace(
                org, name=check_name(name), description=description.strip(), updated_at=now
            )
            uow.organizations.save(changed)
            uow.audit(self._entry(principal, org.id, "organization.update", org.id, request_id))
            uow.commit()
        return replace(changed, version=org.version + 1)

    # -- members -------------------------------------------------------------------------------

    def list_members(
        self, *, principal: Principal, page: PageRequest, org_id: str | None = None
    ) -> Page[Membership]:
        require_staff(principal)
        if not org_id:
            return self._browser.memberships(page)
        if not _ids(org_id):
            return Page([])
        with self._uow() as uow:
            return uow.memberships.list_members(org_id, page)

    def add_member(
        self, *, principal: Principal, org_id: str, user_id: str, role: str, request_id: str = ""
    ) -> Membership:
        """Add an existing user to an organisation (Conflict if already a member)."""
        require_staff(principal)
        check_role(role)
        member = Membership(org_id, user_id, role, self._clock.now())
        with self._uow() as uow:
            valid = _ids(org_id)
            found(uow.organizations.get(org_id) if valid else None, "organisation")
            _existing_user(uow, user_id, "user_id")
            uow.memberships.add(member)
            entry = self._entry(principal, org_id, "member.add", user_id, request_id)
            uow.audit(replace(entry, details={**entry.details, "role": role}))
            uow.commit()
        return replace(member, version=1)

    def get_member(self, *, principal: Principal, org_id: str, user_id: str) -> Membership:
        require_staff(principal)
        with self._uow() as uow:
            valid = _ids(org_id, user_id)
            return found(uow.memberships.get(org_id, user_id) if valid else None, "member")

    def change_role(
        self,
        *,
        principal: Principal,
        org_id: str,
        user_id: str,
        role: str,
        expected_version: int | None,
        request_id: str = "",
    ) -> Membership:
        """Staff may make anyone owner; the last owner still cannot be demoted."""
        require_staff(principal)
        check_role(role)
        with self._uow() as uow:
            valid = _ids(org_id, user_id)
            member = found(uow.memberships.get(org_id, user_id) if valid else None, "member")
            check_version(expected_version, member.version, "membership")
            if member.role == "owner" and role != "owner":
                ensure_an_owner_remains(uow.memberships.owners(org_id), member)
            changed = member.with_role(role)
            uow.memberships.save(changed)
            entry = self._entry(principal, org_id, "member.change_role", user_id, request_id)
            uow.audit(replace(entry, details={**entry.details, "role": role}))
            uow.commit()
        return replace(changed, version=member.version + 1)

    def remove_member(
        self,
        *,
        principal: Principal,
        org_id: str,
        user_id: str,
        expected_version: int | None,
        request_id: str = "",
    ) -> None:
        require_staff(principal)
        with self._uow() as uow:
            valid = _ids(org_id, user_id)
            member = found(uow.memberships.get(org_id, user_id) if valid else None, "member")
            check_version(expected_version, member.version, "membership")
            ensure_an_owner_remains(uow.memberships.owners(org_id), member)
            uow.memberships.remove(member)
            uow.audit(self._entry(principal, org_id, "member.remove", user_id, request_id))
            uow.commit()

    # -- API keys ------------------------------------------------------------------------------

    def list_api_keys(
        self, *, principal: Principal, page: PageRequest, org_id: str | None = None
    ) -> Page[ApiKey]:
        require_staff(principal)
        if not org_id:
            return self._browser.api_keys(page)
        if not _ids(org_id):
            return Page([])
        with self._uow() as uow:
            return uow.api_keys.list_for_org(org_id, page)

    def get_api_key(self, *, principal: Principal, org_id: str, key_id: str) -> ApiKey:
        require_staff(principal)
        with self._uow() as uow:
            valid = _ids(org_id, key_id)
            return found(uow.api_keys.get(org_id, key_id) if valid else None, "API key")

    def revoke_api_keys(
        self, *, principal: Principal, keys: list[tuple[str, str]], request_id: str = ""
    ) -> int:
        """Revoke each (org, key) not yet revoked, one transaction each; how many."""
        require_staff(principal)
        now, revoked = self._clock.now(), 0
        for org_id, key_id in keys:
            with self._uow() as uow:
                valid = _ids(org_id, key_id)
                key = found(uow.api_keys.get(org_id, key_id) if valid else None, "API key")
                if key.revoked_at is not None:
                    continue
                uow.api_keys.revoke(key, now)
                uow.audit(self._entry(principal, org_id, "apikey.revoke", key.id, request_id))
                uow.commit()
                revoked += 1
        return revoked

    # -- content records and the audit log (read-only) -----------------------------------------

    def list_content(
        self, *, principal: Principal, page: PageRequest, org_id: str | None = None
    ) -> Page[Content]:
        require_staff(principal)
        if not org_id:
            return self._browser.content(page)
        if not _ids(org_id):
            return Page([])
        with self._uow() as uow:
            return uow.content.list_org(org_id, page)

    def get_content(self, *, principal: Principal, org_id: str, content_id: str) -> Content:
        require_staff(principal)
        with self._uow() as uow:
            valid = _ids(org_id, content_id)
            return found(uow.content.get(org_id, content_id) if valid else None, "content")

    def audit_log(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        actor_id: str | None = None,
        action: str | None = None,
    ) -> Page[AuditEntry]:
        """An organisation's audit log, or the platform's (no organisation), newest first."""
        require_staff(principal)
        if org_id and not _ids(org_id):
            return Page([])
        wanted = AuditFilter(actor_id=actor_id or None, action=action or None)
        return self._audit.list(org_id or None, wanted, page)

    def _entry(
        self, principal: Principal, org_id: str, action: str, resource_id: str, request_id: str
    ) -> AuditEntry:
        return audit(
            org_id=org_id,
            principal=principal,
            action=action,
            resource=(action.split(".")[0], resource_id),
            at=self._clock.now(),
            request_id=request_id,
            by_staff=True,
        )
