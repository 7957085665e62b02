"""DynamoClient: physical names, one record per call, AWS vs computed units, error mapping."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.recorder import CallRecorder
from domains.shared.errors import Conflict


class FakeBoto:
    """Answers each method with a canned response and remembers the requests."""

    def __init__(self, **responses: Any) -> None:
        self.responses = responses
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, method: str) -> Any:
        def call(**request: Any) -> Any:
            self.requests.append((method, request))
            answer = self.responses[method]
            if isinstance(answer, list):  # one answer per call, in order
                answer = answer.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer

        return call


def _client(boto: FakeBoto, *, is_aws: bool = False) -> tuple[DynamoClient, CallRecorder]:
    recorder = CallRecorder()
    client = DynamoClient(boto, prefix="ainw", environment="dev", is_aws=is_aws, recorder=recorder)
    return client, recorder


ITEM = {"pk": {"S": "ORG#1"}, "sk": {"S": "PROJECT#1"}, "blob": {"S": "x" * 5000}}


def test_names_and_computed_units_off_aws() -> None:
    boto = FakeBoto(get_item={"Item": ITEM}, put_item={})
    client, recorder = _client(boto)
    assert client.name("projects") == "ainw-dev-projects"
    client.get_item("projects", Key={"pk": ITEM["pk"], "sk": ITEM["sk"]})
    client.put_item("projects", Item={**ITEM, "gsi1pk": {"S": "w"}, "gsi1sk": {"S": "t"}})
    assert boto.requests[0][1]["TableName"] == "ainw-dev-projects"
    assert "ReturnConsumedCapacity" not in boto.requests[0][1]
    get, put = recorder.records()
    assert (get.operation, get.table, get.read_units, get.items) == ("GetItem", "projects", 1, 1)
    assert (put.write_units, put.read_units) == (10, 0)  # 5 KB on the table and on gsi1


def test_aws_units_come_from_consumed_capacity() -> None:
    consumed = {
        "TableName": "ainw-dev-projects",
        "CapacityUnits": 3.0,
        "ReadCapacityUnits": 3.0,
        "Table": {"ReadCapacityUnits": 1.0},
    }
    boto = FakeBoto(query={"Items": [], "Count": 0, "ConsumedCapacity": consumed})
    client, recorder = _client(boto, is_aws=True)
    client.query("projects", IndexName="gsi1", KeyConditionExpression="x")
    assert boto.requests[0][1]["ReturnConsumedCapacity"] == "INDEXES"
    (record,) = recorder.records()
    assert (record.index, record.read_units, record.write_units) == ("gsi1", 3.0, 0.0)


def test_batch_calls_translate_names_both_ways() -> None:
    response = {
        "Responses": {"ainw-dev-projects": [ITEM]},
        "UnprocessedKeys": {"ainw-dev-projects": {"Keys": [{"pk": {"S": "b"}}]}},
    }
    client, recorder = _client(FakeBoto(batch_get_item=response))
    keys = [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}, {"pk": {"S": "c"}}]
    answer = client.batch_get_item(RequestItems={"projects": {"Keys": keys}})
    assert list(answer["Responses"]) == ["projects"] and list(answer["UnprocessedKeys"]) == [
        "projects"
    ]
    (record,) = recorder.records()
    assert record.items == 1 and record.read_units == 1.0 + 0.5  # 5 KB item + one miss


def test_transactions_rename_tables_and_double_units() -> None:
    boto = FakeBoto(transact_write_items={})
    client, recorder = _client(boto)
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "projects", "Item": ITEM}},
            {"ConditionCheck": {"TableName": "workspaces", "Key": {"pk": {"S": "w"}}}},
        ]
    )
    sent = boto.requests[0][1]["TransactItems"]
    assert sent[1]["ConditionCheck"]["TableName"] == "ainw-dev-workspaces"
    (record,) = recorder.records()
    assert record.table == "projects+workspaces" and record.write_units == 10 + 2


def test_errors_are_translated_recorded_and_chained() -> None:
    error = ClientError({"Error": {"Code": "ConditionalCheckFailedException"}}, "PutItem")
    client, recorder = _client(FakeBoto(put_item=error))
    with pytest.raises(Conflict) as caught:
        client.put_item("projects", Item=ITEM, on_condition=Conflict)
    assert caught.value.__cause__ is error
    (record,) = recorder.records()
    assert record.error == "ConditionalCheckFailedException" and record.write_units == 5


def test_capture_and_summary() -> None:
    client, recorder = _client(FakeBoto(get_item={}))
    client.get_item("projects", Key={})
    with recorder.capture() as calls:
        client.get_item("projects", Key={})
        client.get_item("projects", Key={})
    assert len(calls) == 2 and len(recorder.records()) == 3
    summary = recorder.summary()
    assert summary[("GetItem", "projects")].calls == 3
    recorder.clear()
    assert recorder.records() == []


def test_control_calls_use_physical_names_and_cost_nothing() -> None:
    pages = [{"TableNames": ["a"], "LastEvaluatedTableName": "a"}, {"TableNames": ["b"]}]
    boto = FakeBoto(create_table={}, update_time_to_live={}, list_tables=pages)
    client, recorder = _client(boto, is_aws=True)
    client.create_table("projects", KeySchema=[])
    client.update_time_to_live("projects", TimeToLiveSpecification={})
    assert client.list_table_names() == ["a", "b"]
    assert [r[1].get("TableName") for r in boto.requests[:2]] == ["ainw-dev-projects"] * 2
    assert boto.requests[3][1] == {"ExclusiveStartTableName": "a"}
    assert all("ReturnConsumedCapacity" not in r[1] for r in boto.requests)
    assert {r.read_units + r.write_units for r in recorder.records()} == {0.0}


def test_recorder_is_bounded_but_totals_cover_every_call() -> None:
    recorder = CallRecorder(max_records=2)
    client = DynamoClient(
        FakeBoto(get_item={}), prefix="a", environment="b", is_aws=False, recorder=recorder
    )
    for _ in range(5):
        client.get_item("projects", Key={})
    assert len(recorder.records()) == 2
    assert recorder.summary()[("GetItem", "projects")].calls == 5
    assert recorder.summary()[("GetItem", "projects")].read_units == 2.5
