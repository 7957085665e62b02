"""The model registry: models, their versions, stages, aliases, deployments and metrics."""
