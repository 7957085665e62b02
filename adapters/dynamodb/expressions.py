"""Builds one request's expressions (conditions, updates) with their placeholders, and versioning.

Conditions are boto3's composable `Key(...)` / `Attr(...)` objects; values are encoded by the
codec. Optimistic locking follows PynamoDB: the first write requires the version attribute to
be absent, each later write requires the loaded value and stores it plus one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, ConditionExpressionBuilder

from adapters.dynamodb.codec import encode_value

VERSION = "version"
Wire = dict[str, Any]


def version_condition(expected: int | None, attribute: str = VERSION) -> ConditionBase:
    return Attr(attribute).not_exists() if expected is None else Attr(attribute).eq(expected)


def next_version(expected: int | None) -> int:
    return 1 if expected is None else expected + 1


class Expressions:
    """Collects the placeholders of one request so its expressions never collide."""

    def __init__(self) -> None:
        self._builder = ConditionExpressionBuilder()
        self._names: dict[str, str] = {}
        self._values: dict[str, Wire] = {}
        self._count = 0

    def condition(self, condition: ConditionBase, *, key: bool = False) -> str:
        built = self._builder.build_expression(condition, is_key_condition=key)
        self._names.update(built.attribute_name_placeholders)
        for placeholder, value in built.attribute_value_placeholders.items():
            self._values[placeholder] = encode_value(value)
        return str(built.condition_expression)

    def _placeholder(self, name: str, value: Wire | None) -> tuple[str, str]:
        self._count += 1
        name_ph, value_ph = f"#u{self._count}", f":u{self._count}"
        self._names[name_ph] = name
        if value is not None:
            self._values[value_ph] = value
        return name_ph, value_ph

    def update(
        self,
        *,
        set_: Mapping[str, Wire] | None = None,
        add: Mapping[str, Wire] | None = None,
        remove: Iterable[str] = (),
    ) -> str:
        """`SET a = :x, ... ADD n :y ... REMOVE r, ...` over wire-encoded values."""
        clauses = []
        sets = [" = ".join(self._placeholder(n, v)) for n, v in (set_ or {}).items()]
        adds = [" ".join(self._placeholder(n, v)) for n, v in (add or {}).items()]
        removes = [self._placeholder(n, None)[0] for n in remove]
        for verb, parts in (("SET", sets), ("ADD", adds), ("REMOVE", removes)):
            if parts:
                clauses.append(f"{verb} {', '.join(parts)}")
        if not clauses:
            raise ValueError("an update needs at least one change")
        return " ".join(clauses)

    def params(self) -> dict[str, Any]:
        """ExpressionAttributeNames/Values for the request (omitted when empty)."""
        params: dict[str, Any] = {}
        if self._names:
            params["ExpressionAttributeNames"] = dict(self._names)
        if self._values:
            params["ExpressionAttributeValues"] = dict(self._values)
        return params
