"""Template adoption on the dashboard, end to end: two users accept invitations (MemberJoined),
one of them creates a template (TemplateCreated); the relay hands the events to the
consumers, the beat's task rolls them up, and the dashboard's template_adoption says one of
two joiners adopted."""

from __future__ import annotations

from typing import Any

from adapters.events.relay import relay_once
from domains.shared.events import DomainEvent
from nexus.container import container
from nexus.events import dispatch
from nexus.tasks_analytics import roll_up_dirty
from tests.api.templates.conftest import new_template


def _deliver(event: DomainEvent) -> None:
    dispatch(event)


def _join(owner: Any, user: Any, role: str) -> None:
    path = f"/api/organizations/{owner.org_id}/invitations"
    invited = owner.call("POST", path, {"email": user.email, "role": role})
    assert invited.status_code == 201, invited.content
    accepted = user.call("POST", "/api/invitations/accept", {"token": invited.json()["token"]})
    assert accepted.status_code == 200, accepted.content
    user.org_id = owner.org_id
    user.headers["X-Organization-Id"] = owner.org_id


def test_the_dashboard_counts_joiners_who_adopted_a_template(signup):  # type: ignore[no-untyped-def]
    owner = signup("owner", org=True)
    owner.headers["X-Organization-Id"] = owner.org_id
    ada, bob = signup("ada"), signup("bob")
    _join(owner, ada, "member")
    _join(owner, bob, "member")
    new_template(ada)
    new_template(owner)  # the founder created the organisation: no joiner
    relay_once(container().outbox(), _deliver, limit=1000)
    roll_up_dirty()
    response = owner.call("GET", "/api/analytics/dashboard?granularity=day")
    assert response.status_code == 200, response.content
    [adoption] = [m for m in response.json()["metrics"] if m["name"] == "template_adoption"]
    assert adoption["total"] == {"adopted": 1, "joined": 2, "share": 0.5}
    assert adoption["series"][-1]["values"] == adoption["total"]
