"""DynamoDB repositories of the identity context and its unit of work."""
