"""Experiment run logs (feature `ai_lab`): component log lines of experiments and their runs."""
