"""S3 adapters: the large-object store that keeps DynamoDB items under their 400 KB limit."""
