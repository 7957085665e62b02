"""DynamoDB adapters of the analytics context."""
