"""DynamoDB adapters: the table catalog, the client wrapper, the codec and the repositories."""
