"""The table catalog: reads the one definition of every table (deploy/tables/*.json).

Terraform reads the same files with jsondecode(file(...)), so the local bootstrap,
the schema document and the deployed tables cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

TABLES_DIR = Path(__file__).resolve().parents[2] / "deploy" / "tables"
BASE_FEATURE = "base"
FEATURES = (
    "project_management",
    "agent_builder",
    "ai_lab",
    "community",
    "education",
    "analytics",
    "rbac_notifications",
)


@dataclass(frozen=True)
class IndexDef:
    name: str
    hash_key: str
    range_key: str
    pk_format: str
    sk_format: str
    serves: tuple[str, ...]


@dataclass(frozen=True)
class TableDef:
    logical_name: str
    feature: str
    purpose: str
    hash_key: str
    range_key: str
    pk_format: str
    sk_format: str
    ttl_attribute: str | None
    indexes: tuple[IndexDef, ...]
    access_patterns: tuple[dict[str, Any], ...]
    sample_item: dict[str, Any]

    @property
    def key_attributes(self) -> list[str]:
        names = [self.hash_key, self.range_key]
        for index in self.indexes:
            names += [index.hash_key, index.range_key]
        return names


def _table_from(feature: str, name: str, raw: dict[str, Any]) -> TableDef:
    indexes = tuple(
        IndexDef(
            name=i["name"],
            hash_key=i["hash_key"],
            range_key=i["range_key"],
            pk_format=i["pk_format"],
            sk_format=i["sk_format"],
            serves=tuple(i["serves"]),
        )
        for i in raw["indexes"]
    )
    return TableDef(
        logical_name=name,
        feature=feature,
        purpose=raw["purpose"],
        hash_key=raw["hash_key"],
        range_key=raw["range_key"],
        pk_format=raw["pk_format"],
        sk_format=raw["sk_format"],
        ttl_attribute=raw["ttl_attribute"],
        indexes=indexes,
        access_patterns=tuple(raw["access_patterns"]),
        sample_item=raw["sample_item"],
    )


@cache
def all_tables() -> tuple[TableDef, ...]:
    """Every table of every feature, in feature order (base first)."""
    tables: list[TableDef] = []
    for feature in (BASE_FEATURE, *FEATURES):
        doc = json.loads((TABLES_DIR / f"{feature}.json").read_text())
        for name, raw in doc["tables"].items():
            tables.append(_table_from(feature, name, raw))
    return tuple(tables)


def table_def(logical_name: str) -> TableDef:
    for table in all_tables():
        if table.logical_name == logical_name:
            return table
    raise KeyError(f"no table named {logical_name!r} in deploy/tables")


def tables_for(features: tuple[str, ...] | list[str] | frozenset[str]) -> list[TableDef]:
    """The base tables plus those of the given features."""
    wanted = {BASE_FEATURE, *features}
    return [t for t in all_tables() if t.feature in wanted]


def physical_name(prefix: str, environment: str, logical_name: str) -> str:
    """`<prefix>-<environment>-<table>`, e.g. ainw-dev-projects."""
    return f"{prefix}-{environment}-{logical_name}"


def create_table_request(table: TableDef, name: str) -> dict[str, Any]:
    """The CreateTable request for a definition (pay per request, every index projects ALL)."""
    request: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [
            {"AttributeName": table.hash_key, "KeyType": "HASH"},
            {"AttributeName": table.range_key, "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": a, "AttributeType": "S"} for a in table.key_attributes
        ],
        "SSESpecification": {"Enabled": True},
    }
    if table.indexes:
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": i.name,
                "KeySchema": [
                    {"AttributeName": i.hash_key, "KeyType": "HASH"},
                    {"AttributeName": i.range_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for i in table.indexes
        ]
    return request
