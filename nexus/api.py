"""The one NinjaAPI at /api/: mounts every context's router, installs the error mapping."""

from __future__ import annotations

from ninja import NinjaAPI

from nexus import __version__, health, problems

api = NinjaAPI(
    title="Nexus Workbench API",
    version=__version__,
    description="Backend of the Nexus Workbench: agents, templates, lab, community, education.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problems.install(api)
api.add_router("/", health.router)
