"""Generates docs/database-schema.md from the table definitions in deploy/tables."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from adapters.dynamodb.catalog import BASE_FEATURE, FEATURES, TableDef, all_tables

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "database-schema.md"
HEADER = """# Database schema

Generated from `deploy/tables/*.json` by `python -m nexus.schema_doc`; do not edit by hand.
CI fails when this file is stale. Tables are named `<prefix>-<environment>-<table>`
(`ainw-dev-projects`), billed per request, encrypted at rest, with point-in-time
recovery in production. Keys are generic (`pk`, `sk`, `gsiNpk`, `gsiNsk`, all strings)
with typed prefixes; every index projects all attributes. Every access pattern the API
uses is a `GetItem`, `Query` or `BatchGetItem`; `Scan` serves only admin browsing (the
patterns named `admin: `, paginated) and jobs.
Items whose TTL attribute (`expires_at`, epoch seconds) has passed are filtered on read.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table_section(table: TableDef) -> list[str]:
    lines = [f"### `{table.logical_name}`", "", table.purpose + ".", ""]
    lines += [
        f"- Partition key `{table.hash_key}`: `{_cell(table.pk_format)}`",
        f"- Sort key `{table.range_key}`: `{_cell(table.sk_format)}`",
        f"- TTL: `{table.ttl_attribute}`" if table.ttl_attribute else "- TTL: none",
        "",
    ]
    if table.indexes:
        lines += ["| index | partition key | sort key | serves |", "|---|---|---|---|"]
        for i in table.indexes:
            lines.append(
                f"| `{i.name}` | `{_cell(i.pk_format)}` | `{_cell(i.sk_format)}` "
                f"| {_cell('; '.join(i.serves))} |"
            )
        lines.append("")
    lines += ["| access pattern | operation | key condition | index |", "|---|---|---|---|"]
    for p in table.access_patterns:
        lines.append(
            f"| {_cell(p['name'])} | {p['operation']} | `{_cell(p['key_condition'])}` "
            f"| {p['index'] or 'table'} |"
        )
    sample = json.dumps(table.sample_item, indent=2, default=str)
    lines += ["", "Sample item:", "", "```json", sample, "```", ""]
    return lines


def render() -> str:
    tables = all_tables()
    lines = [HEADER, "## Tables by feature", ""]
    lines += ["| feature | Terraform flag | tables |", "|---|---|---|"]
    for feature in (BASE_FEATURE, *FEATURES):
        names = ", ".join(f"`{t.logical_name}`" for t in tables if t.feature == feature)
        flag = "always" if feature == BASE_FEATURE else f"`deploy_{feature}`"
        lines.append(f"| {feature} | {flag} | {names} |")
    lines += ["", f"{len(tables)} tables, {sum(len(t.indexes) for t in tables)} indexes.", ""]
    for feature in (BASE_FEATURE, *FEATURES):
        lines += [f"## Feature `{feature}`", ""]
        for table in tables:
            if table.feature == feature:
                lines += _table_section(table)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not DOC_PATH.exists() or DOC_PATH.read_text() != text:
            print("docs/database-schema.md is stale: run `python -m nexus.schema_doc`")
            return 1
        print("docs/database-schema.md is current")
        return 0
    DOC_PATH.parent.mkdir(exist_ok=True)
    DOC_PATH.write_text(text)
    print(f"wrote {DOC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
