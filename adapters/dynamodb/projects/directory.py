"""The organisation's members as the projects context asks about them: one GetItem on the
identity context's `organization-memberships`, through its own key builder."""

from __future__ import annotations

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import encode_item
from adapters.dynamodb.identity.keys import membership_key


class DynamoOrgDirectory:
    def __init__(self, client: DynamoClient) -> None:
        self._client = client

    def is_member(self, org_id: str, user_id: str) -> bool:
        key = encode_item(membership_key(org_id, user_id))
        found = self._client.get_item("organization-memberships", Key=key)
        return "Item" in found
