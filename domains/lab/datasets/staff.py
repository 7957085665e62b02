"""What staff see of datasets across organisations (the Django admin calls these): browse
every organisation's datasets (a Scan) or one organisation's (a Query), and read one. Read
only: datasets change through the API, where project roles apply."""

from __future__ import annotations

from domains.lab.datasets.model import Dataset
from domains.lab.datasets.ports import DatasetsStaffBrowser, UnitOfWorkFactory
from domains.shared.guards import found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.staff import require_staff, staff_context
from domains.shared.tenancy import Principal, TenantContext


def staff_tenant(principal: Principal, org_id: str) -> TenantContext:
    return staff_context(principal, org_id, permissions=frozenset({Permission.MODEL_READ}))


class StaffDatasetService:
    def __init__(self, *, uow: UnitOfWorkFactory, browser: DatasetsStaffBrowser) -> None:
        self._uow = uow
        self._browser = browser

    def list(
        self, *, principal: Principal, page: PageRequest, org_id: str | None = None
    ) -> Page[Dataset]:
        """An organisation's live datasets newest first (a Query), else every one's, deleted
        ones included (a Scan)."""
        require_staff(principal)
        if not org_id:
            return self._browser.datasets(page)
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            return uow.datasets.list(ctx.org_id, page=page)

    def get(self, *, principal: Principal, org_id: str, dataset_id: str) -> Dataset:
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            wanted = uow.datasets.get(ctx.org_id, dataset_id) if is_valid_id(dataset_id) else None
        return found(wanted, "dataset")
