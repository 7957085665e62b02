"""Prompts: typed variables, a `{{name}}` template, immutable versions and movable aliases.

A template is plain text with `{{ name }}` placeholders and nothing else: rendering only
substitutes declared variables, so a prompt can never run code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domains.shared.errors import ValidationFailed

VARIABLE_TYPES = ("string", "number", "boolean", "json")
VISIBILITIES = ("private", "organization", "public")
LATEST = "latest"  # the alias kept on the newest version: not set by hand
MAX_VARIABLES = 50
MAX_TEMPLATE_CHARS = 100_000
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
ALIAS_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")

Problem = dict[str, Any]


def problem(loc: list[Any], msg: str) -> Problem:
    return {"loc": loc, "msg": msg}


def invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[problem([field_name], message)])


def check_text(field_name: str, raw: str, *, low: int, high: int) -> str:
    text = raw.strip()
    if not low <= len(text) <= high:
        raise invalid(field_name, f"{low} to {high} characters")
    return text


def check_visibility(raw: str) -> str:
    if raw not in VISIBILITIES:
        raise invalid("visibility", f"one of {list(VISIBILITIES)}")
    return raw


def check_alias(raw: str) -> str:
    if not ALIAS_RE.match(raw):
        raise invalid("alias", "1-40 of a-z 0-9 _ -, starting with a letter")
    if raw == LATEST:
        raise invalid("alias", "`latest` follows the newest version by itself")
    return raw


def type_matches(kind: str, value: Any) -> bool:
    """JSON's types: a boolean is not a number; `json` takes any JSON value."""
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    return True


@dataclass(frozen=True)
class PromptVariable:
    name: str
    type: str = "string"
    required: bool = True
    default: Any = None
    description: str = ""

    def text(self, value: Any) -> str:
        """How a value reads in the rendered text."""
        if self.type == "string":
            return str(value)
        if self.type == "boolean":
            return "true" if value else "false"
        return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _variable_problems(i: int, v: PromptVariable) -> list[Problem]:
    found = []
    if not NAME_RE.match(v.name):
        found.append(problem(["variables", i, "name"], "a letter or _ then letters, digits, _"))
    if v.type not in VARIABLE_TYPES:
        found.append(problem(["variables", i, "type"], f"one of {list(VARIABLE_TYPES)}"))
    elif v.default is not None and not type_matches(v.type, v.default):
        found.append(problem(["variables", i, "default"], f"must be a {v.type}"))
    if len(v.description) > 500:
        found.append(problem(["variables", i, "description"], "at most 500 characters"))
    return found


def check_body(template: str, variables: Iterable[PromptVariable]) -> tuple[PromptVariable, ...]:
    """A template and its variables: names unique, types known, defaults typed, and every
    placeholder declared (an undeclared one could never be filled)."""
    declared = tuple(variables)
    found: list[Problem] = []
    if not 1 <= len(template) <= MAX_TEMPLATE_CHARS:
        found.append(problem(["template"], f"1 to {MAX_TEMPLATE_CHARS} characters"))
    if len(declared) > MAX_VARIABLES:
        found.append(problem(["variables"], f"at most {MAX_VARIABLES} variables"))
    names: set[str] = set()
    for i, v in enumerate(declared):
        found += _variable_problems(i, v)
        if v.name in names:
            found.append(problem(["variables", i, "name"], f"{v.name!r} is declared twice"))
        names.add(v.name)
    for name in sorted(set(PLACEHOLDER.findall(template)) - names):
        found.append(problem(["template"], f"placeholder {{{{{name}}}}} is not a variable"))
    if found:
        raise ValidationFailed("the prompt is not valid", errors=found)
    return declared


@dataclass(frozen=True)
class Prompt:
    """The prompt's metadata (META); `latest_version` is the newest version's number."""

    org_id: str
    id: str
    name: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    tags: frozenset[str] = frozenset()
    visibility: str = "organization"
    latest_version: int = 1
    version: int = 0


@dataclass(frozen=True)
class PromptVersion:
    """One immutable version: written once, never changed."""

    org_id: str
    prompt_id: str
    number: int
    template: str
    variables: tuple[PromptVariable, ...]
    created_by: str
    created_at: datetime
    note: str = ""

    def render(self, values: Mapping[str, Any]) -> str:
        """The text with every placeholder filled; 422 with one error per variable that is
        missing, unknown, or of the wrong type."""
        filled = self.fill(values)
        return PLACEHOLDER.sub(lambda m: filled[m.group(1)], self.template)

    def fill(self, values: Mapping[str, Any]) -> dict[str, str]:
        by_name = {v.name: v for v in self.variables}
        found = [
            problem(["variables", name], "not a variable of this prompt")
            for name in sorted(set(values) - set(by_name))
        ]
        filled: dict[str, str] = {}
        for v in self.variables:
            if v.name in values and values[v.name] is not None:
                if not type_matches(v.type, values[v.name]):
                    found.append(problem(["variables", v.name], f"must be a {v.type}"))
                else:
                    filled[v.name] = v.text(values[v.name])
            elif v.default is not None:
                filled[v.name] = v.text(v.default)
            elif v.required:
                found.append(problem(["variables", v.name], "required"))
            else:
                filled[v.name] = ""
        if found:
            raise ValidationFailed("the variables do not fit the prompt", errors=found)
        return filled


@dataclass(frozen=True)
class PromptAlias:
    """A movable name for one version (`production` -> 3)."""

    org_id: str
    prompt_id: str
    alias: str
    number: int
    updated_by: str
    updated_at: datetime
    version: int = 0
