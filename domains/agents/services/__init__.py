"""The agents context's use cases."""
