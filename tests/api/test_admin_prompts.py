"""The prompts library in the admin through Django's test client over the real container
(moto in-process): prompts listed (private ones too), filtered, searched, their metadata
changed and deleted by staff; versions read only; aliases added, moved and removed; each
change audited and published like the API's."""

from __future__ import annotations

import re
from typing import Any

from domains.agents.prompts.model import Prompt, PromptVariable
from nexus.container import container
from tests.api.conftest import Caller
from tests.api.test_admin_projects import audit_entries, key, outbox_events, owner_ctx
from tests.api.test_admin_projects import listed as listed_page
from tests.api.test_admin_projects import version_on as version_of

PROMPTS = "/admin/agents/prompts/"
VERSIONS = "/admin/agents/prompt-versions/"
ALIASES = "/admin/agents/prompt-aliases/"


def listed(client: Any, url: str) -> tuple[list[str], dict[str, str], str]:
    """The keys a change-list page links to (prompts have no actions, so no checkboxes),
    its paging links and its text."""
    _, links, body = listed_page(client, url)
    base = url.split("?")[0]
    return re.findall(rf'href="{base}([0-9A-Z]{{26}}:[0-9A-Z]{{26}})/change/"', body), links, body


def make_prompts(owner: Caller, count: int, visibility: str = "organization") -> list[Prompt]:
    service = container().prompts.prompts()
    made = []
    for n in range(count):
        prompt, _ = service.create(
            ctx=owner_ctx(owner),
            name=f"prompt {n:02d}",
            template="Hello {{who}}",
            variables=[PromptVariable("who")],
            visibility=visibility,
        )
        made.append(prompt)
    return made


def add_versions(owner: Caller, prompt: Prompt, count: int) -> None:
    for n in range(count):
        container().prompts.prompts().add_version(
            ctx=owner_ctx(owner), prompt_id=prompt.id, template=f"v{n + 2} {{{{who}}}}",
            variables=[PromptVariable("who")], note=f"note {n + 2}",
        )  # fmt: skip


def stored(staff: Any, prompt: Prompt) -> Prompt:
    from domains.shared.tenancy import Principal

    return (
        container()
        .prompts.staff()
        .get_prompt(
            principal=Principal(staff.id, is_staff=True), org_id=prompt.org_id, prompt_id=prompt.id
        )
    )


def test_prompts_list_by_organisation_with_private_ones_and_by_visibility(admin_client, signup):  # type: ignore[no-untyped-def]
    one, two = signup("one", org=True), signup("two", org=True)
    shared = make_prompts(one, 26)
    (private,) = make_prompts(one, 1, "private")
    (public,) = make_prompts(two, 1, "public")
    first, links, body = listed(admin_client, PROMPTS)
    assert len(first) == 25 and "Prompt aliases" in body
    rest, _, _ = listed(admin_client, links["next-page"])
    assert {*first, *rest} == {key(p) for p in [*shared, private, public]}
    by_org, org_links, _ = listed(admin_client, f"{PROMPTS}?org={one.org_id}")
    assert by_org[0] == key(private)  # newest first, a private prompt too
    assert len(by_org) + len(listed(admin_client, org_links["next-page"])[0]) == 27
    privates, _, _ = listed(admin_client, f"{PROMPTS}?org={one.org_id}&visibility=private")
    assert privates == [key(private)]
    assert listed(admin_client, f"{PROMPTS}?visibility=public")[0] == [key(public)]
    assert listed(admin_client, f"{PROMPTS}?q={key(private)}")[0] == [key(private)]
    assert listed(admin_client, f"{PROMPTS}?org={two.org_id}&q={public.id}")[0] == [key(public)]
    _, _, bad = listed(admin_client, f"{PROMPTS}?visibility=secret")
    assert "one of [" in bad


def test_change_a_prompts_metadata_audited_and_a_stale_form_conflicts(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    (prompt,) = make_prompts(owner, 1, "private")
    url = f"{PROMPTS}{key(prompt)}/change/"
    form = admin_client.get(url).content.decode()
    assert 'value="prompt 00"' in form
    fields = {"name": "Greeter", "description": "d", "visibility": "public", "tags": "hello"}
    saved = admin_client.post(url, {**fields, "_version": version_of(form)})
    assert saved.status_code == 302, saved.content
    now = stored(staff, prompt)
    assert (now.name, now.visibility, now.tags) == ("Greeter", "public", {"hello"})
    (entry,) = audit_entries(staff, prompt.org_id, "prompt.update")
    assert entry.actor_id == staff.id and entry.details["by_staff"] is True
    assert outbox_events("PromptUpdated")[0]["actor_id"] == staff.id
    stale = admin_client.post(url, {**fields, "name": "Mine", "_version": version_of(form)})
    assert "Someone changed this item after you opened it" in stale.content.decode()
    bad = admin_client.post(url, {**fields, "tags": "NOT OK!", "_version": str(now.version)})
    assert "tags are 1-40 of" in bad.content.decode()


def test_versions_are_read_only_and_listed_per_prompt(admin_client, signup):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    (prompt,) = make_prompts(owner, 1)
    add_versions(owner, prompt, 2)
    _, _, unchosen = listed(admin_client, VERSIONS)
    assert "choose an organisation and a prompt" in unchosen
    body = admin_client.get(f"{VERSIONS}?org={owner.org_id}&prompt={prompt.id}").content.decode()
    numbers = re.findall(rf'href="{VERSIONS}{key(prompt)}:(\d+)/change/"', body)
    assert numbers == ["3", "2", "1"]  # newest first
    assert f'href="{PROMPTS}{key(prompt)}/change/"' in body  # linked to their prompt
    page = admin_client.get(f"{VERSIONS}{key(prompt)}:2/change/").content.decode()
    assert "v2 {{who}}" in page and "note 2" in page and 'name="_version"' not in page
    assert admin_client.get(f"{VERSIONS}{key(prompt)}:9/change/").status_code == 404
    assert admin_client.get(f"{VERSIONS}{key(prompt)}:x/change/").status_code == 404
    assert admin_client.get(f"{VERSIONS}{key(prompt)}:2/delete/").status_code == 404
    searched = admin_client.get(f"{VERSIONS}?org={owner.org_id}&prompt={prompt.id}&q=1")
    assert re.findall(rf"{key(prompt)}:(\d+)/change/", searched.content.decode()) == ["1"]


def test_aliases_are_added_moved_and_removed_through_the_forms(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    (prompt,) = make_prompts(owner, 1)
    add_versions(owner, prompt, 2)
    ids = {"org_id": prompt.org_id, "prompt_id": prompt.id.lower()}
    bad = admin_client.post(f"{ALIASES}add/", {**ids, "alias": "prod", "number": 7, "_version": 0})
    assert "no version 7 (the newest is 3)" in bad.content.decode()
    added = admin_client.post(
        f"{ALIASES}add/", {**ids, "alias": "prod", "number": 2, "_version": 0}
    )
    assert added.status_code == 302, added.content
    again = admin_client.post(
        f"{ALIASES}add/", {**ids, "alias": "prod", "number": 1, "_version": 0}
    )
    assert "Someone changed this item after you opened it" in again.content.decode()
    url = f"{ALIASES}?org={prompt.org_id}&prompt={prompt.id}"
    body = admin_client.get(url).content.decode()
    assert re.findall(rf"{key(prompt)}:([a-z]+)/change/", body) == ["latest", "prod"]

    alias_url = f"{ALIASES}{key(prompt)}:prod/change/"
    form = admin_client.get(alias_url).content.decode()
    moved = admin_client.post(alias_url, {"number": 3, "_version": version_of(form)})
    assert moved.status_code == 302
    stale = admin_client.post(alias_url, {"number": 1, "_version": version_of(form)})
    assert "Someone changed this item after you opened it" in stale.content.decode()
    events = outbox_events("PromptAliasMoved")
    assert [e["actor_id"] for e in events] == [staff.id, staff.id]
    assert len(audit_entries(staff, prompt.org_id, "prompt.alias")) == 2
    latest = admin_client.get(f"{ALIASES}{key(prompt)}:latest/change/").content.decode()
    refused = admin_client.post(
        f"{ALIASES}{key(prompt)}:latest/change/", {"number": 1, "_version": version_of(latest)}
    )
    assert "follows the newest version by itself" in refused.content.decode()

    confirm = admin_client.get(f"{ALIASES}{key(prompt)}:prod/delete/").content.decode()
    removed = admin_client.post(
        f"{ALIASES}{key(prompt)}:prod/delete/", {"_version": version_of(confirm)}
    )
    assert removed.status_code == 302
    remaining = admin_client.get(url).content.decode()
    assert re.findall(rf"{key(prompt)}:([a-z]+)/change/", remaining) == ["latest"]
    assert audit_entries(staff, prompt.org_id, "prompt.alias_remove")[0].actor_id == staff.id


def test_deleting_a_prompt_after_confirmation_purges_its_versions_and_aliases(
    admin_client, signup, staff
):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    prompt, kept = make_prompts(owner, 2)
    add_versions(owner, prompt, 1)
    container().prompts.prompts().set_alias(
        ctx=owner_ctx(owner), prompt_id=prompt.id, alias="prod", number=2
    )
    url = f"{PROMPTS}{key(prompt)}/delete/"
    confirm = admin_client.get(url).content.decode()
    assert "Its versions and aliases are deleted with it." in confirm
    gone = admin_client.post(url, {"_version": version_of(confirm)})
    assert gone.status_code == 302
    assert admin_client.get(f"{PROMPTS}{key(prompt)}/change/").status_code == 404
    with container().prompts.uow()() as uow:
        assert uow.versions.get(prompt.org_id, prompt.id, 1) is None
        assert uow.aliases.get(prompt.org_id, prompt.id, "prod") is None
        assert uow.versions.get(kept.org_id, kept.id, 1) is not None
    assert audit_entries(staff, owner.org_id, "prompt.delete")[0].details["by_staff"] is True
    assert listed(admin_client, f"{PROMPTS}?org={owner.org_id}")[0] == [key(kept)]
