"""manage.py dynamo_export / dynamo_import: DynamoDB JSON export format, round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def _put(dynamo, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        dynamo.put_item(
            "projects",
            Item={
                "pk": {"S": "ORG#x"},
                "sk": {"S": f"PROJECT#{i:04d}"},
                "tags": {"SS": ["a", "b"]},
                "count": {"N": str(i)},
                "nested": {"M": {"ok": {"BOOL": True}, "none": {"NULL": True}}},
            },
        )


def _all(dynamo, table: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return sorted(dynamo.scan(table)["Items"], key=lambda i: i["sk"]["S"])


def test_export_then_import_restores_every_item(make_stack, tmp_path: Path) -> None:
    stack = make_stack(("project_management",))
    dynamo = stack.gateways.dynamo()
    _put(dynamo, 60)
    before = _all(dynamo, "projects")
    call_command("dynamo_export", str(tmp_path))
    lines = (tmp_path / "projects.json").read_text().splitlines()
    assert len(lines) == 60 and "Item" in json.loads(lines[0])
    assert json.loads((tmp_path / "manifest.json").read_text())["tables"]["projects"] == 60

    for item in before:
        dynamo.delete_item("projects", Key={"pk": item["pk"], "sk": item["sk"]})
    assert _all(dynamo, "projects") == []
    call_command("dynamo_import", str(tmp_path))
    assert _all(dynamo, "projects") == before


def test_import_refuses_a_directory_that_is_not_an_export(make_stack, tmp_path: Path) -> None:
    make_stack(("project_management",))
    with pytest.raises(CommandError, match=r"manifest\.json"):
        call_command("dynamo_import", str(tmp_path))


def test_import_names_the_bad_line(make_stack, tmp_path: Path) -> None:
    make_stack(("project_management",))
    call_command("dynamo_export", str(tmp_path))
    (tmp_path / "projects.json").write_text(
        '{"Item": {"pk": {"S": "a"}, "sk": {"S": "b"}}}\nnot json\n'
    )
    with pytest.raises(CommandError, match=r"projects.json:2"):
        call_command("dynamo_import", str(tmp_path), "--table", "projects")
