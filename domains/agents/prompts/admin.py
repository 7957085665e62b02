"""The prompts library in the admin (feature `agent_builder`): prompts (their metadata),
their versions (read only: versions never change) and aliases (added, moved, removed).
Everything goes through the staff service over the prompt service; items are keyed
`<org id>:<prompt id>`, versions `<org id>:<prompt id>:<number>`, aliases
`<org id>:<prompt id>:<alias>`. Registered from `domains.agents.admin`."""

from __future__ import annotations

from typing import Any

from domains.agents.admin_agents import CONTEXT, FEATURE, choices, pair, searched, tags_of, who
from domains.agents.prompts.model import VISIBILITIES
from domains.agents.prompts.staff import StaffPromptService
from domains.shared.admin import (
    ORG_FILTER,
    AdminCall,
    EntityAdmin,
    FormField,
    Link,
    ListFilter,
    ListQuery,
    register,
    split_key,
)
from domains.shared.errors import NotFound
from domains.shared.pagination import Page
from domains.shared.web import service


def _staff() -> StaffPromptService:
    return service("prompts").staff()  # type: ignore[no-any-return]


def _prompt_link(column: str) -> Link:
    return Link(column, CONTEXT, "prompts", lambda item: f"{item.org_id}:{item.prompt_id}")


PROMPT_FILTER = ListFilter("prompt", "Prompt id")

# -- prompts -----------------------------------------------------------------------------------


def _get_prompt(call: AdminCall, key: str) -> Any:
    return _staff().get_prompt(principal=call.principal, **pair(key, "prompt_id"))


def _list_prompts(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        return Page([_get_prompt(call, searched(q))])
    return _staff().list_prompts(
        principal=call.principal,
        page=q.page,
        org_id=q.filter(ORG_FILTER),
        visibility=q.filter("visibility"),
    )


PROMPTS = EntityAdmin(
    context=CONTEXT,
    name="prompts",
    label="Prompts",
    columns=("name", "visibility", "latest_version", "tags", "org_id", "updated_at", "id"),
    list=_list_prompts,
    get=_get_prompt,
    key=lambda p: f"{p.org_id}:{p.id}",
    fields=(
        FormField("name"),
        FormField("description", "textarea", required=False),
        FormField("visibility", "choice", choices=VISIBILITIES),
        FormField("tags", required=False, help="comma-separated: a-z 0-9 _ . : -"),
    ),
    save=lambda call, key, values, version: _staff().update_prompt(
        **who(call),
        **pair(key or "", "prompt_id"),
        expected_version=version,
        name=values["name"],
        description=values.get("description") or "",
        tags=tags_of(values.get("tags") or ""),
        visibility=values["visibility"],
    ),
    delete=lambda call, key, version: _staff().delete_prompt(
        **who(call), **pair(key, "prompt_id"), expected_version=version
    ),
    initial=lambda p: {
        "name": p.name,
        "description": p.description,
        "visibility": p.visibility,
        "tags": ", ".join(sorted(p.tags)),
    },
    add=False,
    filters=(ListFilter("visibility", "Visibility", choices(VISIBILITIES)),),
    search_help="a prompt id, with an organisation chosen (or <organisation id>:<id>)",
    tenant_owned=True,
    feature=FEATURE,
    delete_note="Its versions and aliases are deleted with it.",
)

# -- versions (read only) ----------------------------------------------------------------------


def _version_ids(key: str) -> dict[str, Any]:
    org_id, prompt_id, number = split_key(key, 3)
    if not number.isdigit():
        raise NotFound("prompt version not found")
    return {"org_id": org_id, "prompt_id": prompt_id, "number": int(number)}


def _list_versions(call: AdminCall, q: ListQuery) -> Page[Any]:
    if q.search:
        prompt_id = q.filter("prompt") or ""
        key = f"{q.filter(ORG_FILTER) or ''}:{prompt_id}:{q.search}".upper()
        return Page([_staff().get_version(principal=call.principal, **_version_ids(key))])
    return _staff().list_versions(
        principal=call.principal,
        page=q.page,
        org_id=q.filter(ORG_FILTER),
        prompt_id=q.filter("prompt"),
    )


VERSIONS = EntityAdmin(
    context=CONTEXT,
    name="prompt-versions",
    label="Prompt versions",
    columns=("number", "note", "created_by", "created_at", "prompt_id", "org_id"),
    list=_list_versions,
    get=lambda call, key: _staff().get_version(principal=call.principal, **_version_ids(key)),
    key=lambda v: f"{v.org_id}:{v.prompt_id}:{v.number}",
    add=False,
    filters=(PROMPT_FILTER,),
    search_help="a version number, with an organisation and a prompt chosen",
    tenant_owned=True,
    feature=FEATURE,
    links=(_prompt_link("prompt_id"),),
)

# -- aliases -----------------------------------------------------------------------------------


def _alias_ids(key: str) -> dict[str, Any]:
    org_id, prompt_id, alias = split_key(key, 3)
    return {"org_id": org_id, "prompt_id": prompt_id, "alias": alias}


def _list_aliases(call: AdminCall, q: ListQuery) -> Page[Any]:
    aliases = _staff().list_aliases(
        principal=call.principal, org_id=q.filter(ORG_FILTER), prompt_id=q.filter("prompt")
    )
    wanted = q.search.strip().lower()
    return Page([a for a in aliases if not wanted or a.alias == wanted])


def _save_alias(call: AdminCall, key: str | None, values: dict[str, Any], version: int) -> Any:
    if key is None:
        chosen = {
            "org_id": values["org_id"].strip().upper(),
            "prompt_id": values["prompt_id"].strip().upper(),
            "alias": values["alias"].strip(),
        }
        return _staff().set_alias(
            **who(call), **chosen, number=values["number"], expected_version=0
        )
    return _staff().set_alias(
        **who(call), **_alias_ids(key), number=values["number"], expected_version=version
    )


ALIASES = EntityAdmin(
    context=CONTEXT,
    name="prompt-aliases",
    label="Prompt aliases",
    columns=("alias", "number", "updated_by", "updated_at", "prompt_id", "org_id"),
    list=_list_aliases,
    get=lambda call, key: _staff().get_alias(principal=call.principal, **_alias_ids(key)),
    key=lambda a: f"{a.org_id}:{a.prompt_id}:{a.alias}",
    fields=(
        FormField("org_id", label="Organisation id", create_only=True),
        FormField("prompt_id", label="Prompt id", create_only=True),
        FormField("alias", create_only=True, help="1-40 of a-z 0-9 _ -, starting with a letter"),
        FormField("number", "int", label="Version number", help="the version it points at"),
    ),
    save=_save_alias,
    delete=lambda call, key, version: _staff().remove_alias(
        **who(call), **_alias_ids(key), expected_version=version
    ),
    filters=(PROMPT_FILTER,),
    search_help="an alias, with an organisation and a prompt chosen",
    tenant_owned=True,
    feature=FEATURE,
    links=(_prompt_link("prompt_id"),),
)

register(PROMPTS, VERSIONS, ALIASES)
