"""The AI Lab (feature `ai_lab`): model registry, datasets, experiments, runs, metrics, logs."""
