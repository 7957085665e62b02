"""DynamoDB adapters of the agent builder context."""
