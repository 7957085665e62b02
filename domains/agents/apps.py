"""The agent builder's Django app (feature `agent_builder`)."""

from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "domains.agents"
    label = "agents"
