"""The cost report's machinery without I/O: attribution, the ledger, the delta flush, pricing."""

from __future__ import annotations

import threading
from typing import Any

from botocore.exceptions import ClientError

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cost import (
    DEFAULT_PRICES,
    Prices,
    request_usd,
    storage_usd_per_day,
    table_costs,
)
from adapters.dynamodb.cost_flush import CostFlusher
from adapters.dynamodb.ledger import LedgerKey, UnitLedger, unmetered
from adapters.dynamodb.recorder import CallRecord, CallRecorder
from domains.shared.attribution import act_for, acting_for, acting_org, reset
from tests.unit.adapters.test_client import FakeBoto

DAY = 1_790_000_000.0  # 2026-09-21 (UTC)
ITEM = {"pk": {"S": "ORG#1#X"}, "sk": {"S": "A"}, "blob": {"S": "x" * 1500}}


def _client(boto: FakeBoto, now: float = DAY) -> DynamoClient:
    recorder = CallRecorder(ledger=UnitLedger(now=lambda: now))
    return DynamoClient(boto, prefix="ainw", environment="dev", is_aws=False, recorder=recorder)


def test_the_acting_organisation_is_set_reset_and_private_to_its_thread() -> None:
    assert acting_org() is None
    with acting_for("org-a"):
        assert acting_org() == "org-a"
        seen: list[str | None] = []
        other = threading.Thread(target=lambda: seen.append(acting_org()))
        other.start()
        other.join()
        assert seen == [None]  # another request's thread acts for no one
        token = act_for("org-b")
        assert acting_org() == "org-b"
        reset(token)
        assert acting_org() == "org-a"
    assert acting_org() is None


def test_each_record_carries_the_organisation_it_was_made_for() -> None:
    client = _client(FakeBoto(put_item={}))
    client.put_item("projects", Item=ITEM)
    with acting_for("org-a"):
        client.put_item("projects", Item=ITEM)
    assert [r.org_id for r in client.recorder.records()] == [None, "org-a"]


def test_the_ledger_sums_per_first_table_day_and_organisation() -> None:
    moments = iter([DAY, DAY, DAY + 86_400, DAY, DAY, DAY])
    ledger = UnitLedger(now=lambda: next(moments))
    ledger.add("projects", "org-a", 1.0, 2.0)
    ledger.add("projects", "org-a", 0.5, 0.0)
    ledger.add("projects", "org-a", 1.0, 0.0)  # the next day
    ledger.add("outbox+projects", None, 0.0, 4.0)  # charged to its first table
    ledger.add("projects", None, 0.0, 0.0)  # nothing to charge
    with unmetered():
        ledger.add("projects", None, 9.0, 9.0)  # the flush's own writes
    taken = ledger.take()
    assert {k: (u.read, u.write) for k, u in taken.items()} == {
        LedgerKey("projects", "2026-09-21", "org-a"): (1.5, 2.0),
        LedgerKey("projects", "2026-09-22", "org-a"): (1.0, 0.0),
        LedgerKey("outbox", "2026-09-21", None): (0.0, 4.0),
    }
    assert ledger.take() == {}


def test_the_recorder_feeds_its_ledger_and_clear_leaves_it() -> None:
    recorder = CallRecorder(ledger=UnitLedger(now=lambda: DAY))
    recorder.record(CallRecord("GetItem", "projects", None, 1.0, 1.0, 0.0, 1, org_id="o"))
    recorder.clear()
    assert recorder.records() == []
    assert list(recorder.ledger.pending()) == [LedgerKey("projects", "2026-09-21", "o")]


def _updates(boto: FakeBoto) -> dict[str, dict[str, Any]]:
    return {
        r["Key"]["pk"]["S"] + "|" + r["Key"]["sk"]["S"]: r
        for method, r in boto.requests
        if method == "update_item"
    }


def test_a_flush_adds_the_deltas_once_per_table_day_and_org_then_writes_nothing() -> None:
    size = {"Table": {"TableSizeBytes": 4096}}
    boto = FakeBoto(put_item={}, get_item={}, update_item={}, describe_table=size)
    client = _client(boto)
    with acting_for("org-a"):
        client.put_item("projects", Item=ITEM)  # 2 write units
        client.put_item("projects", Item=ITEM)
    client.get_item("projects", Key={"pk": ITEM["pk"], "sk": ITEM["sk"]})  # 0.5 (platform)
    flusher = CostFlusher(client, interval=60, now=lambda: 0.0)
    report = flusher.flush()
    assert (report.table_items, report.org_items, report.failed) == (1, 1, 0)
    updates = _updates(boto)
    assert set(updates) == {"COST#projects|2026-09-21", "ORG#org-a#COST|2026-09-21#projects"}
    table = updates["COST#projects|2026-09-21"]
    assert table["UpdateExpression"].startswith("ADD read_units :r, write_units :w SET")
    values = table["ExpressionAttributeValues"]
    assert (values[":r"], values[":w"]) == ({"N": "0.500000"}, {"N": "4.000000"})
    assert values[":g1"] == {"S": "COSTMONTH#2026-09"}
    assert values[":g2"] == {"S": "2026-09-21#projects"}
    assert values[":b"] == {"N": "4096"}
    org = updates["ORG#org-a#COST|2026-09-21#projects"]["ExpressionAttributeValues"]
    assert (org[":r"], org[":w"], org[":o"]) == (
        {"N": "0.000000"},
        {"N": "4.000000"},
        {"S": "org-a"},
    )
    # the flush's own writes and DescribeTable are not in the ledger: the next flush is empty
    boto.requests.clear()
    assert flusher.flush().items == 0
    assert boto.requests == []


def test_a_failed_write_stays_in_the_backlog_and_the_next_flush_adds_it_once() -> None:
    throttled = ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}},
        "UpdateItem",
    )
    boto = FakeBoto(put_item={}, update_item=[throttled, {}, {}], describe_table={"Table": {}})
    client = _client(boto)
    with acting_for("org-a"):
        client.put_item("projects", Item=ITEM)
    flusher = CostFlusher(client, interval=60, now=lambda: 0.0)
    first = flusher.flush()
    assert (first.items, first.failed) == (0, 2)
    with acting_for("org-a"):
        client.put_item("projects", Item=ITEM)  # more units meanwhile: merged into the retry
    second = flusher.flush()
    assert (second.items, second.failed) == (2, 0)
    adds = [r["ExpressionAttributeValues"][":w"] for m, r in boto.requests if m == "update_item"]
    assert adds[1:] == [{"N": "4.000000"}, {"N": "4.000000"}]


def test_a_flush_is_due_once_its_interval_has_passed() -> None:
    clock = [100.0]
    flusher = CostFlusher(_client(FakeBoto()), interval=60, now=lambda: clock[0])
    assert not flusher.due() and flusher.maybe_flush() is None
    clock[0] = 160.0
    assert flusher.due()
    assert flusher.maybe_flush() is not None and not flusher.due()


def test_one_pricing_for_the_dashboard_and_the_report() -> None:
    assert (DEFAULT_PRICES.read_per_million, DEFAULT_PRICES.write_per_million) == (0.125, 0.625)
    assert request_usd(1_000_000, 1_000_000) == 0.75
    assert request_usd(2_000_000, 0, Prices(read_per_million=0.25)) == 0.5
    assert storage_usd_per_day(30 * 1024**3) == 0.25  # 30 GB for a day of a 30-day month
    recorder = CallRecorder()
    recorder.since = 0.0
    recorder.record(CallRecord("PutItem", "projects", None, 1.0, 0.0, 1_000_000.0, 1))
    (row,) = table_costs(recorder, now=30 * 24 * 3600.0)
    assert row.monthly_usd == request_usd(0, 1_000_000) == 0.625


def test_a_transaction_charges_each_table_its_own_share() -> None:
    boto = FakeBoto(transact_write_items={})
    client = _client(boto)
    with acting_for("org-a"):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "workspaces", "Item": ITEM}},
                {"Put": {"TableName": "system-logs", "Item": {"pk": {"S": "o"}, "sk": {"S": "1"}}}},
            ]
        )
    (record,) = client.recorder.records()
    assert record.table == "system-logs+workspaces" and record.write_units == 6.0
    assert sorted(record.shares) == [("system-logs", 0.0, 2.0), ("workspaces", 0.0, 4.0)]
    pending = client.recorder.ledger.pending()
    assert {k.table: u.write for k, u in pending.items()} == {"workspaces": 4.0, "system-logs": 2.0}
