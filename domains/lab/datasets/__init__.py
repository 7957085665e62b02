"""Datasets of the AI Lab: registered datasets, their immutable versions and lineage."""
