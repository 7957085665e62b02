"""DynamoDB adapters of the AI Lab context."""
