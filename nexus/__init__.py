"""The composition root: settings, container, API, Celery app and the dev runner."""

__version__ = "0.1.0"
