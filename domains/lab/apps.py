"""The AI Lab's Django app (feature `ai_lab`)."""

from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "domains.lab"
    label = "lab"
