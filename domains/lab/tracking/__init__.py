"""Experiment tracking (feature `ai_lab`): experiments, runs, params, tags and metrics, shaped
to serve both our REST API and MLflow's tracking semantics."""
