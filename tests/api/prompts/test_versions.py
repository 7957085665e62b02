"""/api/prompts/{id}/versions, aliases and render: immutable numbered versions, movable
aliases with `latest` kept by itself, and rendering with typed variables (usage counted)."""

from __future__ import annotations

from tests.api.prompts.conftest import new_prompt

V2 = {"template": "Bye {{name}}", "variables": [{"name": "name"}], "note": "shorter"}


def test_versions_are_numbered_and_never_change(team):  # type: ignore[no-untyped-def]
    t = team()
    owner = t["owner"]
    prompt = new_prompt(owner)
    base = f"/api/prompts/{prompt['id']}"
    added = owner.call("POST", f"{base}/versions", V2, **{"If-Match": '"1"'})
    assert added.status_code == 201, added.content
    assert added.json()["latest_version"] == 2 and added["ETag"] == '"2"'
    assert added.json()["latest"]["note"] == "shorter"
    assert owner.call("POST", f"{base}/versions", V2, **{"If-Match": '"1"'}).status_code == 412
    listed = owner.call("GET", f"{base}/versions").json()
    assert [v["number"] for v in listed["items"]] == [2, 1]
    first = owner.call("GET", f"{base}/versions/1").json()
    assert first["template"] == prompt["latest"]["template"]
    assert owner.call("GET", f"{base}/versions/3").status_code == 404
    assert owner.call("GET", f"{base}/versions/0").status_code == 404
    assert owner.call("GET", base).json()["latest"]["number"] == 2
    for bad in ({"template": "{{nope}}"}, {"template": ""}, {"template": "x", "variables": "no"}):
        assert owner.call("POST", f"{base}/versions", bad).status_code == 422, bad
    assert t["viewer"].call("POST", f"{base}/versions", V2).status_code == 403
    assert t["viewer"].call("GET", f"{base}/versions").status_code == 200


def test_aliases_move_and_latest_follows(team):  # type: ignore[no-untyped-def]
    t = team()
    owner = t["owner"]
    base = f"/api/prompts/{new_prompt(owner)['id']}"
    owner.call("POST", f"{base}/versions", V2)
    put = owner.call("PUT", f"{base}/aliases/production", {"version": 1})
    assert put.status_code == 200 and put.json()["version"] == 1 and put["ETag"] == '"1"'
    moved = owner.call("PUT", f"{base}/aliases/production", {"version": 2}, **{"If-Match": '"1"'})
    assert moved.status_code == 200 and moved.json()["revision"] == 2
    stale = owner.call("PUT", f"{base}/aliases/production", {"version": 1}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    aliases = owner.call("GET", f"{base}/aliases").json()
    assert [(a["alias"], a["version"]) for a in aliases] == [("latest", 2), ("production", 2)]
    assert owner.call("PUT", f"{base}/aliases/latest", {"version": 1}).status_code == 422
    assert owner.call("PUT", f"{base}/aliases/Bad!", {"version": 1}).status_code == 422
    assert owner.call("PUT", f"{base}/aliases/staging", {"version": 9}).status_code == 422
    assert owner.call("PUT", f"{base}/aliases/staging", {"version": 0}).status_code == 422
    assert t["viewer"].call("PUT", f"{base}/aliases/staging", {"version": 1}).status_code == 403
    assert t["viewer"].call("DELETE", f"{base}/aliases/production").status_code == 403
    gone = owner.call("DELETE", f"{base}/aliases/production", **{"If-Match": '"1"'})
    assert gone.status_code == 412
    assert owner.call("DELETE", f"{base}/aliases/production").status_code == 204
    assert owner.call("DELETE", f"{base}/aliases/production").status_code == 404
    assert [a["alias"] for a in owner.call("GET", f"{base}/aliases").json()] == ["latest"]


def test_render_by_version_alias_or_latest(team):  # type: ignore[no-untyped-def]
    t = team()
    owner = t["owner"]
    base = f"/api/prompts/{new_prompt(owner)['id']}"
    values = {"name": "Ada", "age": 36, "extra": {"b": [1, 2], "a": None}}
    first = owner.call("POST", f"{base}/render", {"variables": values})
    assert first.status_code == 200, first.content
    assert first.json()["text"] == 'Hello Ada, you are 36. VIP: false {"a":null,"b":[1,2]}'
    owner.call("POST", f"{base}/versions", V2)
    owner.call("PUT", f"{base}/aliases/production", {"version": 1})
    latest = owner.call("POST", f"{base}/render", {"variables": {"name": "Ada"}}).json()
    assert latest == {"prompt_id": base.rsplit("/", 1)[1], "version": 2, "text": "Bye Ada"}
    pinned = {"variables": {**values, "vip": True}, "alias": "production"}
    assert owner.call("POST", f"{base}/render", pinned).json()["version"] == 1
    by_number = owner.call("POST", f"{base}/render", {"variables": values, "version": 1})
    assert by_number.json()["text"].startswith("Hello Ada")
    # a viewer may render (reading); unknown version or alias: 404
    assert (
        t["viewer"].call("POST", f"{base}/render", {"variables": {"name": "x"}}).status_code == 200
    )
    assert owner.call("POST", f"{base}/render", {"variables": {}, "version": 7}).status_code == 404
    assert (
        owner.call("POST", f"{base}/render", {"variables": {}, "alias": "nope"}).status_code == 404
    )


def test_render_reports_every_bad_variable(team):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    base = f"/api/prompts/{new_prompt(owner)['id']}"
    bad = {"variables": {"age": "old", "vip": "yes", "colour": "red"}}
    answer = owner.call("POST", f"{base}/render", bad)
    assert answer.status_code == 422, answer.content
    errors = {tuple(e["loc"][-2:]): e["msg"] for e in answer.json()["errors"]}
    assert errors == {
        ("variables", "colour"): "not a variable of this prompt",
        ("variables", "name"): "required",
        ("variables", "age"): "must be a number",
        ("variables", "vip"): "must be a boolean",
    }
    both = {"variables": {"name": "a", "age": 1}, "version": 1, "alias": "production"}
    assert owner.call("POST", f"{base}/render", both).status_code == 422
    assert owner.call("POST", f"{base}/render", {"variables": []}).status_code == 422


def test_render_is_counted_as_usage(team, stack):  # type: ignore[no-untyped-def]
    owner = team()["owner"]
    recorded: list[dict[str, object]] = []

    class Spy:
        def record(self, **kwargs: object) -> None:
            recorded.append(kwargs)

    base = f"/api/prompts/{new_prompt(owner)['id']}"
    with stack.usage.recorder.override(Spy()):
        stack.prompts.reset_singletons()
        ok = {"variables": {"name": "a", "age": 1}}
        assert owner.call("POST", f"{base}/render", ok).status_code == 200
        assert owner.call("POST", f"{base}/render", {"variables": {}}).status_code == 422
        assert owner.call("POST", f"{base}/render", ok).status_code == 200
    stack.prompts.reset_singletons()
    assert recorded == [{"org_id": owner.org_id, "counter": "prompt.rendered"}] * 2
