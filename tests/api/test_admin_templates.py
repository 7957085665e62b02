"""The templates marketplace in the admin through Django's test client over the real
container (moto in-process): templates listed (public ones of every organisation; an
organisation's of every visibility; an author's), searched, their listing changed and
deleted by staff, audited and published like the API's."""

from __future__ import annotations

import re
from typing import Any

from domains.agents.templates.model import Template
from domains.agents.templates.services import ContentIn
from domains.shared.tenancy import Principal
from nexus.container import container
from tests.api.conftest import Caller
from tests.api.test_admin_projects import audit_entries, key, outbox_events, owner_ctx
from tests.api.test_admin_projects import listed as listed_page
from tests.api.test_admin_projects import version_on as version_of

TEMPLATES = "/admin/agents/templates/"
FLOW = ContentIn(
    [{"id": "in", "type": "input"}, {"id": "out", "type": "output"}],
    [{"id": "e", "source": "in", "target": "out"}],
    {},
    {},
)


def listed(client: Any, url: str) -> list[str]:
    _, _, body = listed_page(client, url)
    base = url.split("?")[0]
    return re.findall(rf'href="{base}([0-9A-Z]{{26}}:[0-9A-Z]{{26}})/change/"', body)


def make(owner: Caller, count: int, visibility: str = "organization") -> list[Template]:
    service = container().templates.templates()
    return [
        service.create(
            ctx=owner_ctx(owner),
            name=f"template {n:02d}",
            category="assistant",
            source=FLOW,
            visibility=visibility,
        )[0]
        for n in range(count)
    ]


def stored(staff: Any, t: Template) -> Template:
    return (
        container()
        .templates.staff()
        .get_template(
            principal=Principal(staff.id, is_staff=True), org_id=t.org_id, template_id=t.id
        )
    )


def test_templates_are_listed_by_organisation_author_and_publicly(admin_client, signup):  # type: ignore[no-untyped-def]
    one, two = signup("one", org=True), signup("two", org=True)
    shared = make(one, 2)
    (private,) = make(one, 1, "private")
    (public,) = make(two, 1, "public")
    assert listed(admin_client, TEMPLATES) == [key(public)]  # every organisation's public ones
    by_org = listed(admin_client, f"{TEMPLATES}?org={one.org_id}")
    assert by_org == [key(t) for t in reversed([*shared, private])]  # newest first, private too
    assert listed(admin_client, f"{TEMPLATES}?author={two.user_id}") == [key(public)]
    assert listed(admin_client, f"{TEMPLATES}?q={key(private)}") == [key(private)]
    assert admin_client.get(f"{TEMPLATES}{key(private)}/change/").status_code == 200


def test_staff_change_and_delete_a_template_audited(admin_client, signup, staff):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    (t,) = make(owner, 1, "private")
    url = f"{TEMPLATES}{key(t)}/change/"
    form = admin_client.get(url).content.decode()
    assert 'value="template 00"' in form
    fields = {
        "name": "Helper",
        "description": "d",
        "category": "support",
        "visibility": "public",
        "tags": "help",
    }
    saved = admin_client.post(url, {**fields, "_version": version_of(form)})
    assert saved.status_code == 302, saved.content
    now = stored(staff, t)
    assert (now.name, now.category, now.visibility, now.tags) == (
        "Helper",
        "support",
        "public",
        {"help"},
    )
    (entry,) = audit_entries(staff, t.org_id, "template.update")
    assert entry.actor_id == staff.id and entry.details["by_staff"] is True
    assert outbox_events("TemplateUpdated")[0]["actor_id"] == staff.id
    stale = admin_client.post(url, {**fields, "name": "Mine", "_version": version_of(form)})
    assert "Someone changed this item after you opened it" in stale.content.decode()
    gone = admin_client.post(f"{TEMPLATES}{key(t)}/delete/", {"_version": str(now.version)})
    assert gone.status_code == 302, gone.content
    assert admin_client.get(url).status_code == 404
    assert audit_entries(staff, t.org_id, "template.delete")
