"""DynamoDB adapters of the projects context."""
