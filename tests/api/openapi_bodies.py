"""Valid request bodies built from an operation's OpenAPI request-body schema, for the sweeps
that must get past ninja's validation to test what comes after it (tenancy, API-key limits)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import find
from hypothesis import strategies as st

PLACEHOLDER = re.compile(r"{(\w+)}")
ORG_HEADER = "X-Organization-Id"
# Only where the schema cannot say what is valid: the service checks these after tenancy.
OVERRIDES: dict[tuple[str, str], dict[str, Any]] = {
    # `email` is a plain string in the schema; the service parses the address.
    ("POST", "/api/organizations/{org_id}/invitations"): {"email": "invitee@example.com"},
    # the service accepts an allow-list of content types the schema does not enumerate.
    ("POST", "/api/content/uploads"): {"content_type": "text/plain"},
    # a template's flow obeys the flow rules (an input and an output node), and names one
    # source: inline content or an agent's version, not both.
    ("POST", "/api/templates"): {
        "content": {
            "nodes": [{"id": "in", "type": "input"}, {"id": "out", "type": "output"}],
            "edges": [{"id": "e", "source": "in", "target": "out"}],
        },
        "from_version": None,
    },
    ("PUT", "/api/templates/{template_id}"): {"from_version": None},
    # a registration names a new model (its fields) or an existing one (model_id), not both.
    ("POST", "/api/models/registry"): {"model_id": None, "version": None},
    # metric values: at least one named number.
    ("POST", "/api/models/{id}/metrics"): {"values": {"auc": 0.5}},
}
STRING_FORMATS = {
    "email": lambda: "sweep@example.com",
    "date-time": lambda: (datetime.now(UTC) + timedelta(days=1)).isoformat(),
    "date": lambda: (datetime.now(UTC) + timedelta(days=1)).date().isoformat(),
    "uuid": lambda: "00000000-0000-4000-8000-000000000000",
    "uri": lambda: "https://example.com/sweep",
}


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        *_, name = schema["$ref"].split("/")
        schema = spec["components"]["schemas"][name]
    return schema


def _string(schema: dict[str, Any]) -> str:
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10**6)
    if "pattern" in schema:
        return find(
            st.from_regex(schema["pattern"], fullmatch=True), lambda s: low <= len(s) <= high
        )
    text = STRING_FORMATS.get(schema.get("format", ""), lambda: "sweep")()
    return text.ljust(low, "x")[:high]


def _number(schema: dict[str, Any]) -> int | float:
    if "minimum" in schema:
        return schema["minimum"]
    if "exclusiveMinimum" in schema:
        return schema["exclusiveMinimum"] + 1
    return min(1, schema.get("maximum", 1))


def valid_value(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A value the schema accepts: every property filled (so a write that wrongly passed would
    show), each the least its bounds allow."""
    schema = _resolve(spec, schema)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            options = [o for o in schema[combinator] if o.get("type") != "null"]
            return valid_value(spec, options[0])
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(spec, part))
        return valid_value(spec, merged)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: valid_value(spec, value) for name, value in properties.items()}
    if kind == "array":
        return [valid_value(spec, schema.get("items", {}))] * schema.get("minItems", 0)
    if kind in ("integer", "number"):
        return _number(schema)
    if kind == "boolean":
        return True
    return _string(schema)  # a string, or a schema that accepts anything (`Any`)


def valid_body(spec: dict[str, Any], method: str, path: str, operation: dict[str, Any]) -> Any:
    """The operation's request body, valid for its schema; None when it takes none."""
    if "requestBody" not in operation:
        return None
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return {**valid_value(spec, schema), **OVERRIDES.get((method, path), {})}
