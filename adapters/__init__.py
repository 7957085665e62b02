"""Adapters: the implementations of the domains' ports over boto3, S3, Redis and Celery."""
