"""Django web sessions (the admin's) in `user-sessions`: `DJSESSION#<key>` / `SESSION`.

`expires_at` is the table's TTL attribute (epoch seconds): DynamoDB deletes an expired
session some time later, and reads treat it as gone at once. Creating a session is
conditional on its key being free, so two new sessions can never share a key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Attr

from adapters.dynamodb.codec import encode_item
from adapters.dynamodb.expressions import Expressions
from adapters.dynamodb.identity.keys import web_session_key
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
