"""The templates marketplace: reusable agent flows, shared in an organisation or publicly."""
