"""The identity context's Django app."""

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "domains.identity"
    label = "identity"
