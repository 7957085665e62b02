"""Django forms built from an entity's field spec, so the services' validation errors show
next to the field they name, and the version the form was read at travels with it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from domains.shared.admin import EntityAdmin, FormField
from domains.shared.errors import ValidationFailed

VERSION_FIELD = "_version"


def _field(spec: FormField, *, adding: bool) -> forms.Field:
    options: dict[str, Any] = {
        "label": spec.label or spec.name.replace("_", " ").capitalize(),
        "required": spec.required and spec.kind != "bool",
        "help_text": spec.help,
        "disabled": spec.create_only and not adding,
    }
    if spec.kind == "bool":
        return forms.BooleanField(**options)
    if spec.kind == "int":
        return forms.IntegerField(**options)
    if spec.kind == "choice":
        return forms.ChoiceField(choices=[(c, c) for c in spec.choices], **options)
    if spec.kind == "json":
        return forms.JSONField(**options)
    if spec.kind == "password":
        return forms.CharField(widget=forms.PasswordInput, strip=False, **options)
    widget = forms.Textarea(attrs={"rows": 3, "cols": 60}) if spec.kind == "textarea" else None
    return forms.CharField(widget=widget, strip=True, **options)


def entity_form(entity: EntityAdmin, *, adding: bool) -> type[forms.Form]:
    fields: dict[str, forms.Field] = {
        spec.name: _field(spec, adding=adding)
        for spec in entity.fields
        if spec.on_form(adding=adding)
    }
    fields[VERSION_FIELD] = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    return type(f"{entity.name.title().replace('-', '')}Form", (forms.Form,), fields)


def values_of(form: forms.Form) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}


def show_validation(form: forms.Form, error: ValidationFailed) -> None:
    """Each error on the field its `loc` names (its last part), the rest above the form."""
    placed = False
    for problem in error.errors:
        name = _named_field(problem.get("loc", ()), form.fields)
        if name is not None:
            form.add_error(name, str(problem.get("msg", error.detail)))
            placed = True
    if not placed:
        form.add_error(None, error.detail)


def _named_field(loc: Any, fields: Mapping[str, Any]) -> str | None:
    parts: Iterable[Any] = loc if isinstance(loc, list | tuple) else [loc]
    for part in reversed(list(parts)):
        if isinstance(part, str) and part in fields and part != VERSION_FIELD:
            return part
    return None
