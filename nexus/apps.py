"""The composition root's AppConfig: builds the container once and wires the API modules."""

from __future__ import annotations

from django.apps import AppConfig


class NexusConfig(AppConfig):
    name = "nexus"
    label = "nexus"

    def ready(self) -> None:
        from nexus.admin.site import discover
        from nexus.container import container

        container().check_dependencies()
        discover()
