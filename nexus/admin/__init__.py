"""The Django admin over the DynamoDB adapters: site, views, auth backend, session engine."""
