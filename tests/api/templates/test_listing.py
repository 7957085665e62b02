"""GET /api/templates: filters (category, tag, visibility, author, text), sorts (popularity,
rating, recency), signed cursor pages over the organisation's and the public templates."""

from __future__ import annotations

from typing import Any

from tests.api.templates.conftest import new_template, relay

PATH = "/api/templates"


def _ids(caller: Any, query: str = "") -> list[str]:
    answer = caller.call("GET", f"{PATH}{query}")
    assert answer.status_code == 200, answer.content
    return [t["id"] for t in answer.json()["items"]]


def test_filters(crew, outsider):  # type: ignore[no-untyped-def]
    member, admin = crew["member"], crew["admin"]
    a = new_template(member, name="Support triage", category="support", tags=["tickets"])
    b = new_template(admin, name="Docs QA", description="Answer from the handbook")
    c = new_template(admin, name="Public coder", category="coding", visibility="public")
    d = new_template(member, name="Drafts", visibility="private")
    e = new_template(outsider, name="Elsewhere", category="support", visibility="public")
    internal = new_template(outsider, name="Outsider only")
    # public templates of every organisation; private ones only their author's
    assert set(_ids(member)) == {a["id"], b["id"], c["id"], d["id"], e["id"]}
    assert set(_ids(admin)) == {a["id"], b["id"], c["id"], e["id"]}
    assert set(_ids(outsider)) == {c["id"], e["id"], internal["id"]}
    assert set(_ids(member, "?visibility=public")) == {c["id"], e["id"]}
    assert set(_ids(member, "?visibility=private")) == {d["id"]}
    assert set(_ids(admin, "?visibility=private")) == set()
    assert set(_ids(member, "?visibility=organization")) == {a["id"], b["id"]}
    assert set(_ids(member, "?category=support")) == {a["id"], e["id"]}
    assert set(_ids(member, "?tag=TICKETS")) == {a["id"]}
    assert set(_ids(member, "?q=handbook")) == {b["id"]}
    assert set(_ids(member, "?q=CODER")) == {c["id"]}
    assert set(_ids(member, "?author=me")) == {a["id"], d["id"]}
    assert set(_ids(member, f"?author={admin.user_id}")) == {b["id"], c["id"]}
    assert set(_ids(outsider, "?visibility=organization")) == {internal["id"]}
    # another organisation's author is not a filter there: it would tell who wrote what
    assert _ids(outsider, f"?author={admin.user_id}") == []


def test_sorts_and_pages(crew, outsider):  # type: ignore[no-untyped-def]
    member, admin, project = crew["member"], crew["admin"], crew["project"]
    made = [new_template(admin, name=f"T{i}", visibility="public") for i in range(5)]
    mine = new_template(member, name="Org only")
    project_id = project["id"]
    for i, t in enumerate(made):  # T0 used 0 times ... T4 used 4 times
        for _ in range(i):
            used = member.call("POST", f"{PATH}/{t['id']}/use", {"project_id": project_id})
            assert used.status_code == 201, used.content
    member.call("PUT", f"{PATH}/{made[0]['id']}/rating", {"stars": 5})
    member.call("PUT", f"{PATH}/{made[1]['id']}/rating", {"stars": 1})
    relay()
    # popularity: 10 a use, 4 a star: T4 40, T3 30, T2 20, T0 20 (ties: the newer id first),
    # T1 14, the unused, unrated one 0
    by_use = _ids(member, "?sort=popularity")
    assert by_use[:5] == [made[i]["id"] for i in (4, 3, 2, 0, 1)]
    assert set(by_use) == {t["id"] for t in made} | {mine["id"]}
    by_rating = _ids(member, "?sort=rating")
    assert by_rating[:2] == [made[0]["id"], made[1]["id"]]
    newest = _ids(member, "?sort=recency")
    assert newest == [mine["id"], *[t["id"] for t in reversed(made)]]
    # the public list as another organisation sees it, two at a time
    for sort in ("popularity", "rating", "recency"):
        seen: list[str] = []
        cursor = ""
        while True:
            page = outsider.call("GET", f"{PATH}?sort={sort}&limit=2{cursor}").json()
            seen += [t["id"] for t in page["items"]]
            if not page["next_cursor"]:
                break
            cursor = f"&cursor={page['next_cursor']}"
        assert sorted(seen) == sorted(t["id"] for t in made) and len(seen) == 5, sort
    assert _ids(outsider, "?sort=recency&category=retrieval") == [t["id"] for t in reversed(made)]
    assert _ids(outsider, "?sort=recency&category=coding") == []


def test_a_cursor_is_bound_to_its_list(crew):  # type: ignore[no-untyped-def]
    member = crew["member"]
    for i in range(3):
        new_template(member, name=f"T{i}")
    page = member.call("GET", f"{PATH}?limit=1").json()
    assert page["next_cursor"]
    other = member.call("GET", f"{PATH}?limit=1&sort=recency&cursor={page['next_cursor']}")
    assert other.status_code == 422
    forged = member.call("GET", f"{PATH}?limit=1&cursor=abc")
    assert forged.status_code == 422


def test_an_api_caller_without_membership_is_404(crew, outsider):  # type: ignore[no-untyped-def]
    answer = outsider.call("GET", PATH, **{"X-Organization-Id": crew["owner"].org_id})
    assert answer.status_code == 404
