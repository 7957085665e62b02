"""Creates missing tables from the catalog (the Python path when Terraform is absent)."""

from __future__ import annotations

from adapters.dynamodb.catalog import TableDef, create_table_request
from adapters.dynamodb.client import DynamoClient


def existing_tables(dynamo: DynamoClient) -> set[str]:
    """Physical names of every table the endpoint has (ListTables, paginated)."""
    names: set[str] = set()
    request: dict[str, str] = {}
    while True:
        page = dynamo.list_tables(**request)
        names.update(page.get("TableNames", []))
        if "LastEvaluatedTableName" not in page:
            return names
        request["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]


def create_missing(dynamo: DynamoClient, tables: list[TableDef]) -> list[str]:
    """Create every table of `tables` that does not exist (with TTL); returns the created."""
    present = existing_tables(dynamo)
    created = []
    for table in tables:
        name = dynamo.name(table.logical_name)
        if name in present:
            continue
        dynamo.create_table(table.logical_name, **create_table_request(table, name))
        if table.ttl_attribute:
            dynamo.update_time_to_live(
                table.logical_name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
            )
        created.append(table.logical_name)
    return created
