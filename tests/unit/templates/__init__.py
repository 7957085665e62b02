"""The templates marketplace unit tier."""
