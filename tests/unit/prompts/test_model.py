"""The prompt model: template checks and rendering, with no storage at all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domains.agents.prompts.model import PromptVariable, PromptVersion, check_alias, check_body
from domains.shared.errors import ValidationFailed

AT = datetime(2026, 1, 1, tzinfo=UTC)


def version(template: str, *variables: PromptVariable) -> PromptVersion:
    return PromptVersion("o", "p", 1, template, check_body(template, variables), "u", AT)


def test_render_fills_placeholders_and_formats_by_type() -> None:
    v = version(
        "{{a}}|{{ b }}|{{c}}|{{d}}|{{e}}",
        PromptVariable("a"),
        PromptVariable("b", "number"),
        PromptVariable("c", "boolean"),
        PromptVariable("d", "json"),
        PromptVariable("e", required=False),
    )
    text = v.render({"a": "x", "b": 1.5, "c": True, "d": {"k": [1]}})
    assert text == 'x|1.5|true|{"k":[1]}|'


def test_rendering_runs_no_code_and_does_not_re_expand_values() -> None:
    v = version("Hi {{name}}", PromptVariable("name"))
    assert v.render({"name": "{{name}} {__import__('os')}"}) == "Hi {{name}} {__import__('os')}"
    assert version("{a} {{ 1 }} {%x%}").render({}) == "{a} {{ 1 }} {%x%}"


@pytest.mark.parametrize(
    ("values", "loc", "msg"),
    [
        ({}, ["variables", "a"], "required"),
        ({"a": 1}, ["variables", "a"], "must be a string"),
        ({"a": "x", "zz": 1}, ["variables", "zz"], "not a variable of this prompt"),
        ({"a": "x", "b": True}, ["variables", "b"], "must be a number"),
    ],
)
def test_render_refuses_values_that_do_not_fit(values, loc, msg) -> None:  # type: ignore[no-untyped-def]
    v = version("{{a}}{{b}}", PromptVariable("a"), PromptVariable("b", "number", required=False))
    with pytest.raises(ValidationFailed) as refused:
        v.render(values)
    assert refused.value.errors == [{"loc": loc, "msg": msg}]


def test_defaults_fill_what_is_left_out() -> None:
    v = version("{{n}}", PromptVariable("n", "number", default=3))
    assert v.render({}) == "3" and v.render({"n": 4}) == "4"


def test_body_checks_report_each_problem() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_body(
            "{{x}} {{y}}",
            [
                PromptVariable("x", "date"),
                PromptVariable("x"),
                PromptVariable("n", "number", default="1"),
            ],
        )
    locs = [e["loc"] for e in refused.value.errors]
    assert locs == [
        ["variables", 0, "type"],
        ["variables", 1, "name"],
        ["variables", 2, "default"],
        ["template"],
    ]


def test_aliases_are_names_and_latest_is_reserved() -> None:
    assert check_alias("production") == "production"
    for bad in ("latest", "Prod", "", "1x", "x" * 41):
        with pytest.raises(ValidationFailed):
            check_alias(bad)
