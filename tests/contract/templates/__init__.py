"""Contract: the templates marketplace repositories."""
