"""ConfigValidator over the `jsonschema` package (Draft 2020-12): every error of a config,
each located by its path, so a form can mark each field."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError


def _loc(path: Any, extra: str | None) -> list[str]:
    loc = [str(p) for p in path]
    return [*loc, extra] if extra else loc


class JsonSchemaValidator:
    def schema_problems(self, schema: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as e:
            return [{"loc": _loc(e.path, None), "msg": e.message}]
        if schema.get("type", "object") != "object":
            return [{"loc": ["type"], "msg": "a node's config schema describes an object"}]
        return []

    def problems(self, schema: dict[str, Any], value: Any) -> list[dict[str, Any]]:
        errors = Draft202012Validator(schema).iter_errors(value)
        found = []
        for e in sorted(errors, key=lambda e: [str(p) for p in e.path]):
            missing = None
            if e.validator == "required":
                missing = e.message.split("'")[1] if "'" in e.message else None
            found.append({"loc": _loc(e.path, missing), "msg": e.message})
        return found
