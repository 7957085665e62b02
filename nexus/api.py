"""The one NinjaAPI at /api/: mounts every context's router, installs the error mapping."""

from __future__ import annotations

from ninja import NinjaAPI

from domains.agents import api as agents_api
from domains.agents import api_nodes as agent_nodes_api
from domains.agents import api_versions as agent_versions_api
from domains.agents.prompts import api as prompts_api
from domains.agents.runs import api as runs_api
from domains.agents.templates import api as templates_api
from domains.analytics import api as analytics_api
from domains.analytics import api_costs
from domains.analytics import api_dashboard as analytics_dashboard_api
from domains.analytics import api_execution as analytics_execution_api
from domains.identity import api as identity_api
from domains.identity import api_audit, api_invitations, api_keys, api_settings
from domains.identity.api_content import content_router
from domains.lab.datasets import api as datasets_api
from domains.lab.logs import api as lab_logs_api
from domains.lab.registry import api as lab_registry_api
from domains.lab.tracking import api as tracking_api
from domains.projects import api as projects_api
from domains.projects import api_members as project_members_api
from nexus import __version__, health, problems
from nexus.config import config
from nexus.security import REQUEST_AUTH

api = NinjaAPI(
    title="Nexus Workbench API",
    version=__version__,
    description="Backend of the Nexus Workbench: agents, templates, lab, community, education.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=REQUEST_AUTH,
)
problems.install(api)
api.add_router("/", health.router)
api.add_router("/auth", identity_api.auth_router)
api.add_router("/me", identity_api.me_router)
api.add_router("/organizations", identity_api.org_router)
api.add_router("/content", content_router)
api.add_router("/", api_invitations.router)
api.add_router("/organizations", api_keys.router)
api.add_router("/organizations", api_audit.router)
api.add_router("/settings", api_settings.settings_router)
api.add_router("/organizations", api_settings.org_settings_router)

# A feature that is off has no routes (and its endpoints check again, for tests that build
# a container with other features than the environment's).
if "project_management" in config().features:
    api.add_router("/", projects_api.router)
    api.add_router("/", project_members_api.router)
if "agent_builder" in config().features:
    api.add_router("/", agents_api.router)
    api.add_router("/", agent_nodes_api.router)
    api.add_router("/", agent_versions_api.router)
    api.add_router("/", prompts_api.router)
    api.add_router("/", templates_api.router)
    api.add_router("/", runs_api.router)
if "analytics" in config().features:
    api.add_router("/", analytics_api.router)
    api.add_router("/", analytics_dashboard_api.router)
    api.add_router("/", analytics_execution_api.router)
    api.add_router("/", api_costs.router)
if "ai_lab" in config().features:
    api.add_router("/", tracking_api.router)
    api.add_router("/", lab_logs_api.router)
    api.add_router("/", lab_registry_api.router)
    api.add_router("/", datasets_api.router)
