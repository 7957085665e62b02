"""The agents context in the admin (feature `agent_builder`): each subpackage registers its
entities in its own admin module, imported here (the site discovers `domains.agents.admin`)."""

from __future__ import annotations

from domains.agents import admin_agents as _agents_admin  # noqa: F401
from domains.agents.prompts import admin as _prompts_admin  # noqa: F401
from domains.agents.runs import admin as _runs_admin  # noqa: F401
from domains.agents.templates import admin as _templates_admin  # noqa: F401
