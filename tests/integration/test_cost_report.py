"""The cost report end to end over moto in-process: real API requests in an organisation are
attributed to it, the flush writes one item per table and day (and per organisation, table
and day), the API answers them, and a flush after no new calls writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.dynamodb.aggregated_keys import AGGREGATES_TABLE
from adapters.dynamodb.codec import decode_item
from adapters.dynamodb.ledger import unmetered
from nexus.container import container
from nexus.tasks_cost import flush_costs
from tests.api.conftest import fast_hashing, http, signup, stack  # noqa: F401 - fixtures

TODAY = datetime.now(UTC).date().isoformat()


def _items(prefix: str) -> list[dict]:  # type: ignore[type-arg]
    with unmetered():  # the test's own look, not a call of the application's
        scanned = container().gateways.dynamo().scan(AGGREGATES_TABLE)["Items"]
    return [decode_item(i) for i in scanned if i["pk"]["S"].startswith(prefix)]


def test_requests_are_attributed_flushed_once_and_reported(signup):  # type: ignore[no-untyped-def]  # noqa: F811
    recorder = container().gateways.recorder()
    ada = signup("ada", org=True)
    ada.headers["X-Organization-Id"] = ada.org_id
    container().costs.flusher().flush()  # sign-up and sign-in: the platform's, flushed apart
    with recorder.capture() as calls:
        assert ada.call("POST", "/api/workspaces", {"name": "Research"}).status_code == 201
        assert ada.call("GET", "/api/workspaces").status_code == 200
    orgs = {record.org_id for record in calls}
    assert ada.org_id in orgs  # the calls after the tenant was resolved are ada's org's
    assert orgs <= {ada.org_id, None}  # the membership read that resolves it is not yet
    pending = recorder.ledger.pending()
    attributed = {(k.table, k.day) for k in pending if k.org_id == ada.org_id}
    tables_days = {(k.table, k.day) for k in pending}
    assert ("workspaces", TODAY) in attributed

    with recorder.capture() as flushing:
        report = flush_costs.run()
    writes = [r for r in flushing if r.operation == "UpdateItem"]
    assert (report["table_items"], report["org_items"]) == (len(tables_days), len(attributed))
    assert len(writes) == len(tables_days) + len(attributed)  # one write per item per flush

    table_items = {(i["table"], i["day"]): i for i in _items("COST#")}
    org_items = {(i["table"], i["day"]): i for i in _items(f"ORG#{ada.org_id}#COST")}
    assert set(org_items) == attributed and tables_days <= set(table_items)
    for key, units in pending.items():
        if key.org_id == ada.org_id:
            assert float(org_items[(key.table, key.day)]["write_units"]) == units.write
    assert table_items[("workspaces", TODAY)]["gsi1pk"] == f"COSTMONTH#{TODAY[:7]}"

    # nothing new: the second flush writes nothing (its own writes are not metered)
    with recorder.capture() as again:
        assert flush_costs.run() == {"busy": False, "table_items": 0, "org_items": 0, "failed": 0}
    assert [r for r in again if r.operation == "UpdateItem"] == []

    body = ada.call("GET", f"/api/analytics/costs?from={TODAY}&to={TODAY}").json()
    assert {(row["table"], row["day"]) for row in body["days"]} == attributed
    expected = sum(float(i["write_units"]) for i in org_items.values())
    assert body["totals"]["write_units"] == expected
    # a second batch of the same day is added to the same items
    assert ada.call("POST", "/api/workspaces", {"name": "Second"}).status_code == 201
    container().costs.flusher().flush()
    later = {(i["table"], i["day"]): i for i in _items(f"ORG#{ada.org_id}#COST")}
    assert float(later[("workspaces", TODAY)]["write_units"]) > float(
        org_items[("workspaces", TODAY)]["write_units"]
    )
    assert len(_items("COST#workspaces")) == 1
