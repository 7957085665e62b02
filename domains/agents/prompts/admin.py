"""The prompts library in the admin (feature `agent_builder`): prompts, their versions and
aliases. Registered from `domains.agents.admin`."""

from __future__ import annotations
