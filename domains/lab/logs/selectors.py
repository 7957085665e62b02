"""Loading what a log read or write acts on: the experiment's (and run's) loaders and access
rules are tracking's (domains.lab.tracking.selectors), reused as they are."""

from __future__ import annotations

from domains.lab.tracking.selectors import experiment_with_role, run_with_role

__all__ = ["experiment_with_role", "run_with_role"]
