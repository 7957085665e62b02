"""The built-in node types, as data: each with its ports (typed), whether it may close a
cycle, the JSON Schema of its configuration, defaults, and UI metadata (label, category,
icon, form layout). Organisations add custom types of the same shape."""

from __future__ import annotations

from typing import Any

PORT_TYPES = ("any", "text", "message", "json", "documents", "boolean", "number")


def _port(name: str, type_: str = "any", label: str = "") -> dict[str, str]:
    return {"name": name, "type": type_, "label": label or name.replace("_", " ").title()}


def _type(
    type_: str,
    label: str,
    category: str,
    icon: str,
    *,
    inputs: list[dict[str, str]],
    outputs: list[dict[str, str]],
    properties: dict[str, Any],
    required: list[str] = (),  # type: ignore[assignment]
    allows_cycles: bool = False,
    description: str = "",
) -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }
    defaults = {k: v["default"] for k, v in properties.items() if "default" in v}
    return {
        "type": type_,
        "label": label,
        "category": category,
        "icon": icon,
        "description": description,
        "inputs": inputs,
        "outputs": outputs,
        "allows_cycles": allows_cycles,
        "config_schema": schema,
        "defaults": defaults,
        "form": [{"field": name} for name in properties],
        "builtin": True,
    }


_TEXT = {"type": "string", "maxLength": 100_000}
_TIMEOUT = {"type": "integer", "minimum": 1, "maximum": 600, "default": 30}

BUILTIN_NODE_TYPES: dict[str, dict[str, Any]] = {
    t["type"]: t
    for t in (
        _type(
            "input",
            "Input",
            "io",
            "log-in",
            inputs=[],
            outputs=[_port("out", "any", "Input")],
            properties={"fields": {"type": "array", "items": {"type": "string"}, "default": []}},
            description="Where a run starts: the values the caller passes in.",
        ),
        _type(
            "output",
            "Output",
            "io",
            "log-out",
            inputs=[_port("in", "any", "Result")],
            outputs=[],
            properties={"format": {"enum": ["text", "json"], "default": "text"}},
            description="What a run returns.",
        ),
        _type(
            "llm_call",
            "LLM call",
            "ai",
            "sparkles",
            inputs=[_port("prompt", "text"), _port("context", "documents")],
            outputs=[_port("completion", "message")],
            properties={
                "model": {"type": "string", "minLength": 1, "default": "gpt-4o-mini"},
                "temperature": {"type": "number", "minimum": 0, "maximum": 2, "default": 0.7},
                "max_tokens": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 200_000,
                    "default": 1024,
                },
                "system_prompt": {**_TEXT, "default": ""},
            },
            required=["model"],
        ),
        _type(
            "prompt",
            "Prompt",
            "ai",
            "message-square",
            inputs=[_port("variables", "json")],
            outputs=[_port("text", "text")],
            properties={
                "template": {**_TEXT, "default": ""},
                "prompt_id": {"type": ["string", "null"], "default": None},
                "pin": {"type": ["string", "null"], "default": None},
                # A pin on a prompt of the library (an alias wins over a number); publishing
                # an agent version resolves it to the concrete prompt_version it names.
                "prompt_version": {"type": ["integer", "null"], "minimum": 1, "default": None},
                "prompt_alias": {"type": ["string", "null"], "maxLength": 40, "default": None},
            },
        ),
        _type(
            "tool",
            "Tool",
            "actions",
            "wrench",
            inputs=[_port("arguments", "json")],
            outputs=[_port("result", "json")],
            properties={
                "tool": {"type": "string", "minLength": 1},
                "arguments": {"type": "object", "default": {}},
                "timeout_seconds": _TIMEOUT,
            },
            required=["tool"],
        ),
        _type(
            "condition",
            "Condition",
            "logic",
            "git-branch",
            inputs=[_port("in")],
            outputs=[_port("true", "any", "True"), _port("false", "any", "False")],
            properties={"expression": {"type": "string", "minLength": 1, "maxLength": 2000}},
            required=["expression"],
        ),
        _type(
            "loop",
            "Loop",
            "logic",
            "repeat",
            inputs=[_port("in"), _port("feedback")],
            outputs=[_port("body"), _port("done")],
            properties={
                "max_iterations": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10},
                "until": {"type": ["string", "null"], "maxLength": 2000, "default": None},
            },
            allows_cycles=True,
        ),
        _type(
            "retriever",
            "Retriever",
            "data",
            "search",
            inputs=[_port("query", "text")],
            outputs=[_port("documents", "documents")],
            properties={
                "index": {"type": "string", "minLength": 1},
                "top_k": {"type": "integer", "minimum": 1, "maximum": 100, "default": 4},
                "min_score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0},
            },
            required=["index"],
        ),
        _type(
            "code",
            "Code",
            "actions",
            "code",
            inputs=[_port("in")],
            outputs=[_port("out")],
            properties={
                "language": {"enum": ["python", "javascript"], "default": "python"},
                "source": {**_TEXT, "default": ""},
                "timeout_seconds": _TIMEOUT,
            },
        ),
        _type(
            "http_request",
            "HTTP request",
            "actions",
            "globe",
            inputs=[_port("body", "json")],
            outputs=[_port("response", "json")],
            properties={
                "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE"], "default": "GET"},
                "url": {"type": "string", "minLength": 1, "maxLength": 2048},
                "headers": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "default": {},
                },
                "timeout_seconds": _TIMEOUT,
            },
            required=["url"],
        ),
        _type(
            "memory",
            "Memory",
            "data",
            "database",
            inputs=[_port("in", "message")],
            outputs=[_port("history", "message")],
            properties={
                "kind": {"enum": ["buffer", "summary", "vector"], "default": "buffer"},
                "window": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 20},
            },
        ),
    )
}


def ports_compatible(source_type: str, target_type: str) -> bool:
    """`any` meets every type; a message carries text."""
    if "any" in (source_type, target_type) or source_type == target_type:
        return True
    return (source_type, target_type) == ("message", "text")
