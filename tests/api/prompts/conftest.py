"""Prompts API fixtures: the projects fixtures (a team of each role, an outsider) and a
helper that creates a prompt through the API."""

from __future__ import annotations

from typing import Any

from tests.api.projects.conftest import outsider, team

__all__ = ["outsider", "team"]

GREETING = {
    "name": "Greeting",
    "template": "Hello {{ name }}, you are {{age}}. VIP: {{vip}} {{extra}}",
    "variables": [
        {"name": "name", "type": "string"},
        {"name": "age", "type": "number"},
        {"name": "vip", "type": "boolean", "required": False, "default": False},
        {"name": "extra", "type": "json", "required": False},
    ],
    "tags": ["Support"],
}


def new_prompt(caller: Any, **extra: Any) -> Any:
    created = caller.call("POST", "/api/prompts", {**GREETING, **extra})
    assert created.status_code == 201, created.content
    return created.json()
