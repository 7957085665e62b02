import pytest

from domains.shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    TransactionCancelled,
    ValidationFailed,
)
from domains.shared.pagination import MAX_PAGE_SIZE, PageRequest
from domains.shared.permissions import ORG_ROLES, Permission, permissions_for
from domains.shared.tenancy import Principal, TenantContext


def test_transaction_cancelled_is_a_conflict_and_keeps_reasons():
    error = TransactionCancelled("cancelled", reasons=["None", "ConditionalCheckFailed"])
    assert isinstance(error, Conflict) and isinstance(error, DomainError)
    assert error.reasons == ["None", "ConditionalCheckFailed"]


def test_validation_failed_carries_field_errors():
    error = ValidationFailed("bad", errors=[{"loc": ["name"], "msg": "required"}])
    assert error.errors == [{"loc": ["name"], "msg": "required"}]
    assert error.detail == "bad"


@pytest.mark.parametrize("limit", [0, -1, MAX_PAGE_SIZE + 1])
def test_page_request_rejects_limits_out_of_range(limit):
    with pytest.raises(ValidationFailed):
        PageRequest(limit=limit)


def test_roles_are_nested_sets_of_permission_strings():
    owner, admin, member, viewer = (ORG_ROLES[r] for r in ("owner", "admin", "member", "viewer"))
    assert viewer < member < admin < owner
    assert Permission.ORG_DELETE.value in owner and Permission.ORG_DELETE.value not in admin
    assert "project:write" in member and "project:write" not in viewer
    assert permissions_for("nobody") == frozenset()


def test_tenant_context_requires_permissions():
    ctx = TenantContext("org1", Principal("u1"), "viewer", permissions_for("viewer"))
    ctx.require("project:read")
    assert not ctx.can("project:write")
    with pytest.raises(Forbidden):
        ctx.require("project:write")
