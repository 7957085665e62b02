"""Bounded contexts of Nexus Workbench; each is a Django app with a framework-free core."""
