"""The admin site: Django's AdminSite (its login, logout, look and CSRF) with entity pages
generated from the registry in `domains.shared.admin` instead of ModelAdmins and a database.

Each context registers its entities in its own `admin.py`; `discover()` imports those of the
installed domain apps. The index lists the entities of the enabled features by context, its
sidebar shows the latest platform audit entries (Django's "Recent actions" reads a table).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from domains.shared.admin import EntityAdmin, registry
from nexus.container import container


def discover() -> None:
    """Import `<app>.admin` of every installed domain app (it registers its entities)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("domains."):
            continue
        name = f"{config.name}.admin"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def enabled_entities() -> list[EntityAdmin]:
    return registry.entities(container().config().features)


class NexusAdminSite(admin.AdminSite):
    site_header = "Nexus Workbench administration"
    site_title = "Nexus Workbench admin"
    index_title = "Platform administration"
    site_url = "/api/docs"  # "View site": the API is what this backend serves
    index_template = "nexus_admin/index.html"
    app_index_template = "nexus_admin/app_index.html"
    final_catch_all_view = False  # its catch-all pattern would shadow the entity pages

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """Django's app list shape, one "app" per context, one "model" per entity."""
        contexts: dict[str, dict[str, Any]] = {}
        for entity in enabled_entities():
            if app_label is not None and entity.context != app_label:
                continue
            app = contexts.setdefault(
                entity.context,
                {
                    "name": entity.context.capitalize(),
                    "app_label": entity.context,
                    "app_url": reverse("admin:context", args=[entity.context]),
                    "has_module_perms": True,
                    "models": [],
                },
            )
            app["models"].append(_model_entry(entity))
        return list(contexts.values())

    def get_urls(self) -> list[Any]:
        from nexus.admin import dashboard, views

        ours: list[URLPattern] = [
            path("dashboard/", self.admin_view(dashboard.dashboard_view), name="dashboard"),
            path("<slug:context>/", self.admin_view(self.context_index), name="context"),
            path(
                "<slug:context>/<slug:entity>/",
                self.admin_view(views.changelist),
                name="entity_changelist",
            ),
            path(
                "<slug:context>/<slug:entity>/add/",
                self.admin_view(views.add),
                name="entity_add",
            ),
            path(
                "<slug:context>/<slug:entity>/<str:key>/change/",
                self.admin_view(views.change),
                name="entity_change",
            ),
            path(
                "<slug:context>/<slug:entity>/<str:key>/delete/",
                self.admin_view(views.delete),
                name="entity_delete",
            ),
        ]
        return [*super().get_urls(), *ours]

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        from nexus.admin.dashboard import recent_audit

        extra = {"recent_audit": recent_audit(request), **(extra_context or {})}
        return super().index(request, extra)

    def context_index(self, request: HttpRequest, context: str) -> HttpResponse:
        app_list = self.get_app_list(request, context)
        if not app_list:
            from django.http import Http404

            raise Http404("no such context")
        ctx = {
            **self.each_context(request),
            "title": f"{app_list[0]['name']} administration",
            "subtitle": None,
            "app_list": app_list,
            "app_label": context,
        }
        request.current_app = self.name
        return TemplateResponse(request, self.app_index_template or "", ctx)

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Passwords change through the API (the identity services), not the admin."""
        messages.info(request, "Change your password through the API (/api/me).")
        return HttpResponseRedirect(reverse("admin:index"))


def _model_entry(entity: EntityAdmin) -> dict[str, Any]:
    args = [entity.context, entity.name]
    return {
        "name": entity.label,
        "object_name": entity.name,
        "perms": {"add": entity.can_add, "change": entity.save is not None, "view": True},
        "admin_url": reverse("admin:entity_changelist", args=args),
        "add_url": reverse("admin:entity_add", args=args) if entity.can_add else None,
        "view_only": entity.save is None,
    }


site = NexusAdminSite(name="admin")
