"""The admin dashboard: tables and item counts per feature, recent audit entries, and the
per-table consumed capacity and estimated monthly cost from the client wrapper's records.

The item counts are kept for a few minutes (`nexus.admin.counts`); `?refresh=1` recounts.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from adapters.dynamodb.cost import table_costs
from domains.shared.audit import AuditEntry
from domains.shared.errors import DomainError
from domains.shared.pagination import PageRequest
from nexus.admin.counts import Counted, ItemCountCache
from nexus.admin.views import admin_call
from nexus.container import container


def recent_audit(request: HttpRequest, limit: int = 10) -> list[AuditEntry]:
    """The newest platform-level audit entries (sign-ins, registrations, staff changes)."""
    service = container().identity.staff_tenants()
    page = service.audit_log(principal=admin_call(request).principal, page=PageRequest(limit))
    return list(page.items)


item_counts: ItemCountCache[list[dict[str, Any]]] = ItemCountCache()


def feature_counts(*, refresh: bool = False) -> Counted[list[dict[str, Any]]]:
    """Per enabled feature: its tables, each with DescribeTable's ItemCount (refreshed by
    DynamoDB about every six hours: approximate on purpose), kept a few minutes."""
    root = container()
    store = (root.gateways.dynamo(), root.config().features)
    return item_counts.get(store, _count_items, refresh=refresh)


def _count_items() -> list[dict[str, Any]]:
    """One ListTables and one DescribeTable per present table."""
    root = container()
    dynamo = root.gateways.dynamo()
    rows = []
    for feature in root.store_status().features():
        tables = []
        for table in feature.present:
            try:
                count = dynamo.describe_table(table)["Table"].get("ItemCount", 0)
            except DomainError:
                count = None
            tables.append({"name": table, "items": count})
        tables += [{"name": t, "items": None, "missing": True} for t in feature.missing]
        total = sum(t["items"] or 0 for t in tables)
        rows.append({"feature": feature.feature, "tables": tables, "items": total})
    return rows


def dashboard_view(request: HttpRequest) -> HttpResponse:
    from nexus.admin.site import site

    if request.GET.get("refresh"):
        feature_counts(refresh=True)
        return HttpResponseRedirect(reverse("admin:dashboard"))  # a reload does not recount
    recorder = container().gateways.recorder()
    costs = table_costs(recorder, now=time.time())
    chart = {
        "labels": [c.table for c in costs],
        "reads": [round(c.read_units, 2) for c in costs],
        "writes": [round(c.write_units, 2) for c in costs],
        "monthly": [round(c.monthly_usd, 4) for c in costs],
    }
    counted = feature_counts()
    features = counted.rows
    ctx = {
        **site.each_context(request),
        "title": "Dashboard",
        "subtitle": None,
        "features": features,
        "counts_as_of": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(counted.wall_time)),
        "counts_kept_minutes": round(item_counts.ttl_seconds / 60),
        "costs": costs,
        "total_monthly": sum(c.monthly_usd for c in costs),
        "since": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(recorder.since)),
        "recent": recent_audit(request, 15),
        "chart": chart,
        "features_chart": {
            "labels": [f["feature"] for f in features],
            "items": [f["items"] for f in features],
        },
    }
    return TemplateResponse(request, "nexus_admin/dashboard.html", ctx)
