"""The projects context's Django app (feature `project_management`)."""

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "domains.projects"
    label = "projects"
