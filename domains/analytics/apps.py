"""The analytics context's Django app (feature `analytics`)."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "domains.analytics"
    label = "analytics"
