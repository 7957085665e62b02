import re

from adapters.dynamodb.catalog import FEATURES, all_tables, create_table_request, tables_for
from nexus.schema_doc import DOC_PATH, render

ARCHITECTURE_TABLES = {
    "base": 7,
    "project_management": 4,
    "agent_builder": 8,
    "ai_lab": 7,
    "community": 5,
    "education": 6,
    "analytics": 2,
    "rbac_notifications": 3,
}


def test_every_table_of_the_architecture_is_defined_once():
    tables = all_tables()
    assert len(tables) == 42
    assert len({t.logical_name for t in tables}) == 42
    for feature, count in ARCHITECTURE_TABLES.items():
        assert sum(t.feature == feature for t in tables) == count, feature


def test_every_index_serves_a_named_access_pattern():
    for table in all_tables():
        used = {p["index"] for p in table.access_patterns if p["index"]}
        assert used == {i.name for i in table.indexes}, table.logical_name
        for p in table.access_patterns:  # a Scan serves admin browsing only, never the API
            admin_scan = p["operation"] == "Scan" and p["name"].startswith("admin: ")
            assert p["operation"] in ("GetItem", "Query", "BatchGetItem") or admin_scan, p


def test_tenant_partitions_start_with_the_organisation():
    public_or_global = re.compile(
        r"^(USER#|EMAIL#|SESSION#|DJSESSION#|THROTTLE#|SETTING#|ORG#|SLUG#|PLATFORM#|NODETYPES#|COST#|IDEMPOTENCY#|OUTBOX#|ROLLUP#)"
    )
    for table in all_tables():
        for fmt in table.pk_format.split(" | "):
            assert public_or_global.match(fmt), (table.logical_name, fmt)


def test_ttl_tables_match_the_architecture():
    ttl = {t.logical_name for t in all_tables() if t.ttl_attribute}
    assert {"user-sessions", "system-logs", "agent-execution-history", "experiment-run-logs"} <= ttl


def test_feature_selection_always_includes_base():
    assert {t.feature for t in tables_for([])} == {"base"}
    assert {t.feature for t in tables_for(FEATURES)} == {"base", *FEATURES}


def test_create_table_request_declares_only_key_attributes():
    request = create_table_request(
        next(t for t in all_tables() if t.logical_name == "agent-templates"), "x-y-agent-templates"
    )
    assert request["BillingMode"] == "PAY_PER_REQUEST"
    assert len(request["GlobalSecondaryIndexes"]) == 7
    assert len(request["AttributeDefinitions"]) == 16


def test_schema_document_is_current():
    assert DOC_PATH.read_text() == render(), "run `python -m nexus.schema_doc`"
