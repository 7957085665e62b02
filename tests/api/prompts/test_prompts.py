"""/api/prompts: create (version 1), read, update with If-Match, delete, lists with filters,
the public list, and who sees a private prompt."""

from __future__ import annotations

import pytest

from domains.shared.ids import new_id
from tests.api.prompts.conftest import GREETING, new_prompt


def test_create_read_update_delete(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    prompt = new_prompt(owner, description="says hi")
    assert prompt["tags"] == ["support"] and prompt["latest_version"] == 1
    assert prompt["latest"]["number"] == 1 and prompt["latest"]["template"] == GREETING["template"]
    assert [v["name"] for v in prompt["latest"]["variables"]] == ["name", "age", "vip", "extra"]
    path = f"/api/prompts/{prompt['id']}"
    got = owner.call("GET", path)
    assert got.status_code == 200 and got["ETag"] == '"1"' and got.json()["name"] == "Greeting"
    changed = owner.call(
        "PATCH",
        path,
        {"name": "Hi", "tags": ["a", "b"], "visibility": "public"},
        **{"If-Match": '"1"'},
    )
    assert changed.status_code == 200 and changed["ETag"] == '"2"', changed.content
    body = changed.json()
    assert (body["name"], body["tags"], body["visibility"]) == ("Hi", ["a", "b"], "public")
    assert body["description"] == "says hi"
    assert owner.call("DELETE", path, **{"If-Match": '"1"'}).status_code == 412
    assert owner.call("DELETE", path, **{"If-Match": '"2"'}).status_code == 204
    assert owner.call("GET", path).status_code == 404
    assert owner.call("GET", f"{path}/versions/1").status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"template": ""},
        {"template": "{{ undeclared }}"},
        {"variables": [{"name": "x", "type": "date"}]},
        {"variables": [{"name": "1bad"}]},
        {"variables": [{"name": "x"}, {"name": "x"}]},
        {"variables": [{"name": "x", "type": "number", "default": "ten"}]},
        {"tags": ["has space"]},
        {"visibility": "everyone"},
    ],
)
def test_create_rejects_bad_input(team, change):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    body = {"name": "p", "template": "plain", **change}
    created = owner.call("POST", "/api/prompts", body)
    assert created.status_code == 422, created.content
    assert created.json()["errors"]


def test_stale_update_is_412_and_bad_patch_422(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    path = f"/api/prompts/{new_prompt(owner)['id']}"
    assert owner.call("PATCH", path, {"name": "a"}, **{"If-Match": '"1"'}).status_code == 200
    assert owner.call("PATCH", path, {"name": "b"}, **{"If-Match": '"1"'}).status_code == 412
    for body in ({"name": ""}, {"visibility": "x"}, {"tags": ["A B"]}):
        assert owner.call("PATCH", path, body).status_code == 422, body
    assert owner.call("GET", path).json()["name"] == "a"


def test_roles(team):  # type: ignore[no-untyped-def]
    t = team()
    viewer, member, admin = t["viewer"], t["member"], t["admin"]
    assert viewer.call("POST", "/api/prompts", GREETING).status_code == 403
    prompt = new_prompt(member)
    path = f"/api/prompts/{prompt['id']}"
    assert viewer.call("GET", path).status_code == 200
    assert viewer.call("PATCH", path, {"name": "x"}).status_code == 403
    assert viewer.call("DELETE", path).status_code == 403
    # another member may edit an organisation prompt but not delete it or change its visibility
    other = new_prompt(admin)
    other_path = f"/api/prompts/{other['id']}"
    assert member.call("PATCH", other_path, {"name": "x"}).status_code == 200
    assert member.call("PATCH", other_path, {"visibility": "private"}).status_code == 403
    assert member.call("DELETE", other_path).status_code == 403
    assert admin.call("DELETE", path).status_code == 204


def test_private_prompts_are_their_authors_and_admins(team):  # type: ignore[no-untyped-def]
    t = team()
    secret = new_prompt(t["member"], visibility="private", name="Mine")
    shared = new_prompt(t["owner"], name="Ours")
    path = f"/api/prompts/{secret['id']}"
    assert t["viewer"].call("GET", path).status_code == 404
    assert t["viewer"].call("POST", f"{path}/render", {"variables": {}}).status_code == 404
    assert t["admin"].call("GET", path).status_code == 200
    assert t["member"].call("GET", path).status_code == 200

    def names(who: str) -> list[str]:
        return [p["name"] for p in t[who].call("GET", "/api/prompts").json()["items"]]

    assert names("viewer") == ["Ours"]
    assert names("member") == ["Ours", "Mine"] and names("owner") == ["Ours", "Mine"]
    assert shared["visibility"] == "organization"


def test_list_filters_and_pages(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    made = [new_prompt(owner, name=f"p{n}", tags=[f"t{n % 2}"]) for n in range(5)]
    new_prompt(owner, name="pub", visibility="public")
    first = owner.call("GET", "/api/prompts?limit=4").json()
    rest = owner.call("GET", f"/api/prompts?limit=4&cursor={first['next_cursor']}").json()
    names = [p["name"] for p in first["items"] + rest["items"]]
    assert names == ["pub", "p4", "p3", "p2", "p1", "p0"] and rest["next_cursor"] is None
    tagged = owner.call("GET", "/api/prompts?tag=t0").json()["items"]
    assert [p["name"] for p in tagged] == ["p4", "p2", "p0"]
    public = owner.call("GET", "/api/prompts?visibility=public").json()["items"]
    assert [p["name"] for p in public] == ["pub"]
    assert owner.call("GET", "/api/prompts?visibility=nope").status_code == 422
    assert owner.call("GET", "/api/prompts?cursor=forged").status_code == 422
    assert len(made) == 5


def test_public_list_spans_organisations_and_hides_the_rest(team, outsider):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    ours = [new_prompt(owner, name=f"pub{n}", visibility="public") for n in range(12)]
    new_prompt(owner, name="org only")
    new_prompt(owner, name="private", visibility="private")
    theirs = new_prompt(outsider, name="eve pub", visibility="public")
    seen, cursor = [], None
    while True:
        query = "?limit=5" + (f"&cursor={cursor}" if cursor else "")
        page = outsider.call("GET", f"/api/prompts/public{query}").json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    mine = {p["id"] for p in ours} | {theirs["id"]}
    assert {p["id"] for p in seen} >= mine and len(seen) == len({p["id"] for p in seen})
    listed = [p for p in seen if p["id"] in mine]
    assert [p["name"] for p in listed][:2] == ["eve pub", "pub11"]
    assert all("created_by" not in p and "template" not in p for p in seen)
    assert {p["org_id"] for p in listed} == {owner.org_id, outsider.org_id}
    # still another organisation's: public does not open its own routes to outsiders
    assert outsider.call("GET", f"/api/prompts/{ours[0]['id']}").status_code == 404
    unpublished = owner.call(
        "PATCH", f"/api/prompts/{ours[0]['id']}", {"visibility": "organization"}
    )
    assert unpublished.status_code == 200
    again = outsider.call("GET", "/api/prompts/public?limit=100").json()["items"]
    assert ours[0]["id"] not in {p["id"] for p in again}


def test_other_organisations_get_404(team, outsider):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    path = f"/api/prompts/{new_prompt(owner)['id']}"
    for method, suffix, body in (
        ("GET", "", None),
        ("PATCH", "", {"name": "x"}),
        ("DELETE", "", None),
        ("GET", "/versions", None),
        ("POST", "/versions", {"template": "x"}),
        ("GET", "/versions/1", None),
        ("GET", "/aliases", None),
        ("PUT", "/aliases/production", {"version": 1}),
        ("DELETE", "/aliases/production", None),
        ("POST", "/render", {"variables": {"name": "a", "age": 1}}),
    ):
        answer = outsider.call(method, path + suffix, body)
        assert answer.status_code == 404, (method, suffix, answer.content)
    sent_to_ours = outsider.call("GET", path, **{"X-Organization-Id": owner.org_id})
    assert sent_to_ours.status_code == 404
    assert owner.call("GET", f"/api/prompts/{new_id()}").status_code == 404
    assert owner.call("GET", "/api/prompts/not-an-id").status_code == 404
