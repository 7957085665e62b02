"""Validators the domain reaches through ports (JSON Schema)."""
