"""Django web sessions (the admin's) in `user-sessions`: `DJSESSION#<key>` / `SESSION`.

`expires_at` is the table's TTL attribute (epoch seconds): DynamoDB deletes an expired
session some time later, and reads treat it as gone at once. Creating a session is
conditional on its key being free, so two new sessions can never share a key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from adapters.dynamodb.codec import encode_item
from adapters.dynamodb.expressions import Expressions
from adapters.dynamodb.identity.keys import web_session_key, web_sessions_partition
from adapters.dynamodb.reading import query_request
from adapters.dynamodb.repository import DynamoRepository
from domains.shared.errors import NotFound

WebSession = tuple[str, datetime]


class DynamoWebSessionStore(DynamoRepository[WebSession]):
    table = "user-sessions"

    def from_item(self, item: dict[str, Any]) -> WebSession:
        return item["data"], datetime.fromtimestamp(int(item["expires_at"]), UTC)

    def get(self, key: str) -> WebSession | None:
        """The session's encoded data and expiry; None when absent or expired."""
        return self._get(web_session_key(key), consistent=True)

    def put(
        self, key: str, data: str, *, expires_at: datetime, user_id: str, must_create: bool
    ) -> None:
        """Create the session (Conflict if the key is taken), or replace it (NotFound if it
        was deleted meanwhile: a signed-out session must not come back)."""
        item = {
            **web_session_key(key),
            "data": data,
            "user_id": user_id,
            "expires_at": int(expires_at.timestamp()),
            # Listed per user (not beside the API sessions), so staff can end them all.
            "gsi1pk": web_sessions_partition(user_id),
            "gsi1sk": key,
        }
        if must_create:
            self._put_new(item)
            return
        expressions = Expressions()
        condition = expressions.condition(Attr("pk").exists())
        self._client.put_item(
            self.table,
            Item=encode_item(item),
            ConditionExpression=condition,
            on_condition=NotFound,
            **expressions.params(),
        )

    def delete(self, key: str) -> None:
        self._delete(web_session_key(key))

    def end_all(self, user_id: str) -> int:
        """Delete every session of the user, found through gsi1 (`USER#<id>#WEB`)."""
        condition = Key("gsi1pk").eq(web_sessions_partition(user_id))
        request = query_request(
            condition, index="gsi1", scan_forward=True, filter=None, consistent=False
        )
        keys, cursor = [], None
        while True:
            start: dict[str, Any] = {"ExclusiveStartKey": cursor} if cursor else {}
            response = self._client.query(self.table, **request, **start)
            keys += [item["pk"]["S"].removeprefix("DJSESSION#") for item in response["Items"]]
            cursor = response.get("LastEvaluatedKey")
            if cursor is None:
                break
        for key in keys:
            self.delete(key)
        return len(keys)
