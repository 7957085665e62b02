"""Every API schema class has a name of its own: OpenAPI keys components by class name, so
two contexts' `MemberOut`s would silently share one (wrong) schema in the document."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema

import domains


def test_schema_class_names_are_unique_across_contexts() -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for info in pkgutil.walk_packages(domains.__path__, "domains."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                seen[value.__name__].add(module.__name__)
    clashes = {name: sorted(mods) for name, mods in seen.items() if len(mods) > 1}
    assert len(seen) > 20 and clashes == {}
