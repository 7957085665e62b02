"""The staff services over one in-memory store, for the unit tests of the admin's use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from domains.identity.services.auth import AuthService, ClientInfo
from domains.identity.services.organizations import OrganizationService
from domains.identity.services.staff import StaffService
from domains.identity.services.staff_tenants import StaffTenantService
from domains.shared.clock import FixedClock
from domains.shared.tenancy import Principal
from tests.fakes.identity import (
    CountingThrottle,
    FakeTokens,
    InMemoryIdentityUnitOfWork,
    PlainHasher,
    Store,
)
from tests.fakes.settings import InMemoryAuditLogReader
from tests.fakes.staff import InMemoryStaffBrowser

PASSWORD = "long enough 123"
CLIENT = ClientInfo(ip="10.0.0.9")


@dataclass
class FakeWebSessions:
    """Browser sessions per user: `end_all` ends them and says how many there were."""

    open: dict[str, int] = field(default_factory=dict)

    def end_all(self, user_id: str) -> int:
        return self.open.pop(user_id, 0)


def make_world() -> dict[str, Any]:
    store, clock, web = Store(), FixedClock(), FakeWebSessions()

    def uow() -> InMemoryIdentityUnitOfWork:
        return InMemoryIdentityUnitOfWork(store)

    browser = InMemoryStaffBrowser(store)
    auth = AuthService(
        uow=uow,
        hasher=PlainHasher(),
        tokens=FakeTokens(),
        throttle=CountingThrottle(),
        clock=clock,
        refresh_ttl=timedelta(days=30),
    )
    staff = StaffService(
        uow=uow,
        hasher=PlainHasher(),
        throttle=CountingThrottle(),
        clock=clock,
        browser=browser,
        web_sessions=web,
    )
    tenants = StaffTenantService(
        uow=uow, clock=clock, browser=browser, audit_reader=InMemoryAuditLogReader(store)
    )
    root = staff.create_staff(email="Root@Example.com", password=PASSWORD)
    return {
        "store": store,
        "clock": clock,
        "uow": uow,
        "web": web,
        "auth": auth,
        "staff": staff,
        "tenants": tenants,
        "orgs": OrganizationService(uow=uow, clock=clock),
        "root": Principal(root.id, is_staff=True),
    }


def register(world: dict[str, Any], name: str) -> str:
    """A user registered through the API's service; their id."""
    email = f"{name}@example.com"
    return str(
        world["auth"].register(email=email, password=PASSWORD, display_name=name, client=CLIENT).id
    )
