"""DynamoClient: the one wrapper every DynamoDB call goes through (names, metering, errors).

Callers pass boto3's request parameters with a *logical* table name; the client turns it into
the physical `<prefix>-<environment>-<table>`, records a CallRecord per call and translates
botocore errors into domain errors (the cause kept). Responses keep the wire format, with
multi-table responses keyed by logical names again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from adapters.dynamodb import metering, shares
from adapters.dynamodb.catalog import physical_name, table_def
from adapters.dynamodb.errors import translate
from adapters.dynamodb.recorder import CallRecord, CallRecorder
from domains.shared.attribution import acting_org
from domains.shared.errors import DomainError, PreconditionFailed

Request = dict[str, Any]
Response = dict[str, Any]
_WRITE_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem"})
_CONTROL_OPERATIONS = frozenset({"DescribeTable", "ListTables", "CreateTable", "UpdateTimeToLive"})

__all__ = ["CallRecord", "CallRecorder", "DynamoClient"]


@cache
def index_keys(logical: str) -> tuple[tuple[str, str], ...]:
    """The (hash, range) key attributes of each index of a table, from the catalog."""
    try:
        return tuple((i.hash_key, i.range_key) for i in table_def(logical).indexes)
    except KeyError:
        return ()


class DynamoClient:
    def __init__(
        self,
        boto_client: Any,
        *,
        prefix: str,
        environment: str,
        is_aws: bool,
        recorder: CallRecorder,
    ) -> None:
        self._boto = boto_client
        self._prefix = prefix
        self._environment = environment
        self._is_aws = is_aws
        self.recorder = recorder

    def name(self, logical: str) -> str:
        return physical_name(self._prefix, self._environment, logical)

    # -- the machinery ------------------------------------------------------------------------

    def _invoke(
        self,
        operation: str,
        method: str,
        request: Request,
        *,
        table: str,
        units: Callable[[Response], tuple[float, float]],
        count: Callable[[Response], int],
        on_condition: type[DomainError] = PreconditionFailed,
        split: Callable[[Response], tuple[shares.Share, ...]] | None = None,
    ) -> Response:
        """`split`: each table's share of a multi-table call's units (computed off AWS)."""
        if self._is_aws and operation not in _CONTROL_OPERATIONS:
            request = {**request, "ReturnConsumedCapacity": "INDEXES"}
        started = time.perf_counter()
        try:
            response: Response = getattr(self._boto, method)(**request)
        except (ClientError, BotoCoreError) as e:
            code = e.response["Error"]["Code"] if isinstance(e, ClientError) else type(e).__name__
            failed_write = operation in _WRITE_OPERATIONS and not self._is_aws
            read, write = units({}) if failed_write else (0.0, 0.0)
            self._record(operation, table, request, started, (read, write), 0, code)
            raise translate(e, on_condition=on_condition, table=table) from e
        measured = metering.aws_units(operation, response) if self._is_aws else units(response)
        parts: tuple[shares.Share, ...] = ()
        if split is not None:
            parts = (
                shares.aws_shares(operation, response, self._unprefixed)
                if self._is_aws
                else split(response)
            )
        self._record(operation, table, request, started, measured, count(response), None, parts)
        return response

    def _record(
        self,
        operation: str,
        table: str,
        request: Request,
        started: float,
        measured: tuple[float, float],
        items: int,
        error: str | None,
        parts: tuple[shares.Share, ...] = (),
    ) -> None:
        latency_ms = (time.perf_counter() - started) * 1000
        record = CallRecord(
            operation,
            table,
            request.get("IndexName"),
            latency_ms,
            *measured,
            items,
            error,
            org_id=acting_org(),
            shares=parts,
        )
        self.recorder.record(record)

    def _single(
        self, operation: str, method: str, table: str, request: Request, **options: Any
    ) -> Response:
        physical = {**request, "TableName": self.name(table)}

        def units(response: Response) -> tuple[float, float]:
            return metering.single_units(operation, request, response, index_keys(table))

        return self._invoke(
            operation,
            method,
            physical,
            table=table,
            units=units,
            count=_counter(operation),
            **options,
        )

    # -- single-table operations ---------------------------------------------------------------

    def get_item(self, table: str, **request: Any) -> Response:
        return self._single("GetItem", "get_item", table, request)

    def put_item(
        self, table: str, *, on_condition: type[DomainError] = PreconditionFailed, **request: Any
    ) -> Response:
        return self._single("PutItem", "put_item", table, request, on_condition=on_condition)

    def update_item(
        self, table: str, *, on_condition: type[DomainError] = PreconditionFailed, **request: Any
    ) -> Response:
        return self._single("UpdateItem", "update_item", table, request, on_condition=on_condition)

    def delete_item(
        self, table: str, *, on_condition: type[DomainError] = PreconditionFailed, **request: Any
    ) -> Response:
        return self._single("DeleteItem", "delete_item", table, request, on_condition=on_condition)

    def query(self, table: str, **request: Any) -> Response:
        return self._single("Query", "query", table, request)

    def scan(self, table: str, **request: Any) -> Response:
        """For admin browsing and jobs only, always paginated; never serves an API request."""
        return self._single("Scan", "scan", table, request)

    def describe_table(self, table: str) -> Response:
        return self._single("DescribeTable", "describe_table", table, {})

    def list_tables(self, **request: Any) -> Response:
        return self._invoke(
            "ListTables",
            "list_tables",
            request,
            table="",
            units=_no_units,
            count=lambda r: len(r.get("TableNames", [])),
        )

    def list_table_names(self) -> list[str]:
        """Every physical table name at the endpoint (ListTables, all pages)."""
        names: list[str] = []
        request: Request = {}
        while True:
            page = self.list_tables(**request)
            names += page.get("TableNames", [])
            if "LastEvaluatedTableName" not in page:
                return names
            request["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]

    # -- table administration (bootstrap, tests); Terraform does this in deployed environments

    def create_table(self, table: str, **request: Any) -> Response:
        return self._single("CreateTable", "create_table", table, request)

    def update_time_to_live(self, table: str, **request: Any) -> Response:
        return self._single("UpdateTimeToLive", "update_time_to_live", table, request)

    # -- multi-table operations ----------------------------------------------------------------

    def batch_get_item(self, *, RequestItems: Mapping[str, Any], **request: Any) -> Response:
        """Up to 100 keys; `RequestItems` and the response are keyed by logical names."""
        logical = {"RequestItems": dict(RequestItems), **request}
        physical = {**request, "RequestItems": self._physical_keys(RequestItems)}
        response = self._invoke(
            "BatchGetItem",
            "batch_get_item",
            physical,
            table=_joined(RequestItems),
            units=lambda r: (metering.batch_get_units(logical, self._logical(r)), 0.0),
            count=lambda r: sum(len(v) for v in r.get("Responses", {}).values()),
            split=lambda r: shares.batch_get_shares(logical, self._logical(r)),
        )
        return self._logical(response)

    def batch_write_item(self, *, RequestItems: Mapping[str, Any], **request: Any) -> Response:
        """Up to 25 puts or deletes; unprocessed items come back keyed by logical names."""
        logical = {"RequestItems": dict(RequestItems), **request}
        physical = {**request, "RequestItems": self._physical_keys(RequestItems)}
        response = self._invoke(
            "BatchWriteItem",
            "batch_write_item",
            physical,
            table=_joined(RequestItems),
            units=lambda r: (
                0.0,
                metering.batch_write_units(logical, self._logical(r), index_keys),
            ),
            count=lambda r: sum(len(v) for v in RequestItems.values()),
            split=lambda r: shares.batch_write_shares(logical, self._logical(r), index_keys),
        )
        return self._logical(response)

    def transact_write_items(self, *, TransactItems: list[Any], **request: Any) -> Response:
        """Up to 100 actions, all or nothing; each action names its logical table."""
        logical = {"TransactItems": TransactItems, **request}
        physical = {**request, "TransactItems": self._physical_actions(TransactItems)}
        return self._invoke(
            "TransactWriteItems",
            "transact_write_items",
            physical,
            table=_joined(_action_tables(TransactItems)),
            units=lambda r: (0.0, metering.transact_write_units(logical, index_keys)),
            count=lambda r: len(TransactItems),
            split=lambda r: shares.transact_write_shares(logical, index_keys),
        )

    def transact_get_items(self, *, TransactItems: list[Any], **request: Any) -> Response:
        physical = {**request, "TransactItems": self._physical_actions(TransactItems)}
        return self._invoke(
            "TransactGetItems",
            "transact_get_items",
            physical,
            table=_joined(_action_tables(TransactItems)),
            units=lambda r: (metering.transact_get_units(r), 0.0),
            count=lambda r: sum(1 for x in r.get("Responses", []) if x.get("Item")),
            split=lambda r: shares.transact_get_shares(TransactItems, r),
        )

    # -- naming helpers ------------------------------------------------------------------------

    def _physical_keys(self, by_table: Mapping[str, Any]) -> dict[str, Any]:
        return {self.name(table): spec for table, spec in by_table.items()}

    def _physical_actions(self, actions: list[Any]) -> list[Any]:
        renamed = []
        for action in actions:
            ((kind, spec),) = action.items()
            renamed.append({kind: {**spec, "TableName": self.name(spec["TableName"])}})
        return renamed

    def _unprefixed(self, physical: str) -> str:
        return physical.removeprefix(f"{self._prefix}-{self._environment}-")

    def _logical(self, response: Response) -> Response:
        """Rename the physical table keys of a batch response back to logical names."""
        renamed = dict(response)
        for field in ("Responses", "UnprocessedKeys", "UnprocessedItems"):
            if isinstance(response.get(field), Mapping):
                renamed[field] = {self._unprefixed(k): v for k, v in response[field].items()}
        return renamed


def _no_units(response: Response) -> tuple[float, float]:
    return 0.0, 0.0


def _joined(tables: Any) -> str:
    return "+".join(sorted(set(tables)))


def _action_tables(actions: list[Any]) -> list[str]:
    return [next(iter(action.values()))["TableName"] for action in actions]


def _counter(operation: str) -> Callable[[Response], int]:
    if operation == "GetItem":
        return lambda r: 1 if r.get("Item") else 0
    if operation in ("Query", "Scan"):
        return lambda r: int(r.get("Count", len(r.get("Items", []))))
    if operation in _CONTROL_OPERATIONS:
        return lambda r: 0
    return lambda r: 1
