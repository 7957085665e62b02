"""Tracking use cases: experiments, runs, and metric logging and history."""
