"""Event and usage pipelines: the outbox relay, the usage buffer (Redis, Celery)."""
