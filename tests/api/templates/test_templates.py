"""/api/templates: publish, read, edit (a content change is a new version), delete; who may
do what; another organisation's templates are 404 unless public."""

from __future__ import annotations

from tests.api.templates.conftest import body, flow, new_template

PATH = "/api/templates"


def test_create_read_and_the_content(crew):  # type: ignore[no-untyped-def]
    member = crew["member"]
    created = member.call("POST", PATH, body())
    assert created.status_code == 201, created.content
    assert created["ETag"] == '"1"'
    t = created.json()
    assert t["owned"] and t["author_id"] == member.user_id and t["org_id"] == member.org_id
    assert t["tags"] == ["rag", "starter"] and t["latest_version"] == 1
    assert t["usage_count"] == 0 and t["rating_count"] == 0
    got = crew["viewer"].call("GET", f"{PATH}/{t['id']}")
    assert got.status_code == 200 and got["ETag"] == '"1"'
    content = got.json()["content"]
    assert content["number"] == 1
    assert content["configs"] == flow()["configs"] and content["canvas"] == flow()["canvas"]
    assert [n["id"] for n in content["nodes"]] == ["n0", "n1", "n2"]


def test_bad_input_is_422(crew):  # type: ignore[no-untyped-def]
    member = crew["member"]
    for bad in (
        body(category="nope"),
        body(name=""),
        body(content=None),
        body(visibility="everyone"),
        body(content={**flow(), "configs": {"ghost": {}}}),
        body(content={**flow(), "nodes": flow()["nodes"][:1], "edges": []}),
        body(tags=["no spaces"]),
    ):
        answer = member.call("POST", PATH, bad)
        assert answer.status_code == 422, (bad, answer.content)
    listed = member.call("GET", f"{PATH}?sort=loudest")
    assert listed.status_code == 422


def test_roles(crew):  # type: ignore[no-untyped-def]
    viewer, member, admin = crew["viewer"], crew["member"], crew["admin"]
    assert viewer.call("POST", PATH, body()).status_code == 403
    assert member.call("POST", PATH, body(visibility="public")).status_code == 403
    public = admin.call("POST", PATH, body(visibility="public"))
    assert public.status_code == 201
    t = new_template(member)
    assert viewer.call("PUT", f"{PATH}/{t['id']}", {"name": "X"}).status_code == 403
    assert (
        crew["owner"].call("PUT", f"{PATH}/{t['id']}", {"name": "By the owner"}).status_code == 200
    )
    other = admin.call("POST", PATH, body()).json()
    assert member.call("PUT", f"{PATH}/{other['id']}", {"name": "Not mine"}).status_code == 403
    assert member.call("DELETE", f"{PATH}/{other['id']}").status_code == 403
    assert member.call("PUT", f"{PATH}/{t['id']}", {"visibility": "public"}).status_code == 403


def test_update_with_if_match_and_new_content(crew):  # type: ignore[no-untyped-def]
    member = crew["member"]
    t = new_template(member)
    path = f"{PATH}/{t['id']}"
    renamed = member.call("PUT", path, {"name": "Renamed"}, **{"If-Match": '"1"'})
    assert renamed.status_code == 200, renamed.content
    assert renamed["ETag"] == '"2"' and renamed.json()["latest_version"] == 1
    stale = member.call("PUT", path, {"name": "Again"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    bigger = member.call(
        "PUT", path, {"content": flow(4), "note": "one more step"}, **{"If-Match": '"2"'}
    )
    assert bigger.status_code == 200, bigger.content
    assert bigger.json()["latest_version"] == 2 and bigger.json()["content"]["number"] == 2
    got = member.call("GET", path).json()
    assert got["name"] == "Renamed" and len(got["content"]["nodes"]) == 4
    assert got["content"]["note"] == "one more step"
    bad = member.call("PUT", path, {"content": {**flow(), "edges": [{"id": "x"}]}})
    assert bad.status_code == 422


def test_delete_with_if_match(crew):  # type: ignore[no-untyped-def]
    member = crew["member"]
    t = new_template(member)
    path = f"{PATH}/{t['id']}"
    assert member.call("DELETE", path, **{"If-Match": '"7"'}).status_code == 412
    assert member.call("DELETE", path, **{"If-Match": '"1"'}).status_code == 204
    assert member.call("GET", path).status_code == 404
    assert member.call("DELETE", path).status_code == 404


def test_private_is_the_authors_alone(crew):  # type: ignore[no-untyped-def]
    member, admin = crew["member"], crew["admin"]
    mine = new_template(member, visibility="private", name="Secret sauce")
    assert member.call("GET", f"{PATH}/{mine['id']}").status_code == 200
    assert admin.call("GET", f"{PATH}/{mine['id']}").status_code == 404
    names = [t["name"] for t in admin.call("GET", PATH).json()["items"]]
    assert "Secret sauce" not in names
    names = [t["name"] for t in member.call("GET", PATH).json()["items"]]
    assert "Secret sauce" in names


def test_another_organisation_is_404(crew, outsider):  # type: ignore[no-untyped-def]
    t = new_template(crew["member"])
    path = f"{PATH}/{t['id']}"
    assert outsider.call("GET", path).status_code == 404
    assert outsider.call("PUT", path, {"name": "Mine now"}).status_code == 404
    assert outsider.call("DELETE", path).status_code == 404
    assert outsider.call("PUT", f"{path}/rating", {"stars": 5}).status_code == 404
    assert outsider.call("GET", PATH).json()["items"] == []
    assert outsider.call("GET", f"{PATH}/not-an-id").status_code == 404


def test_a_large_template_round_trips_through_s3_and_into_an_agent(crew, stack):  # type: ignore[no-untyped-def]
    member = crew["member"]
    big = flow(2000)
    for node in big["nodes"]:
        node["data"] = {"note": "x" * 100, "i": node["data"]["i"]}
    created = member.call("POST", PATH, body(content=big))
    assert created.status_code == 201, created.content
    partition = f"ORG#{member.org_id}#TEMPLATE#{created.json()['id']}"
    key = {"pk": {"S": partition}, "sk": {"S": "V#00000001"}}
    raw = stack.gateways.dynamo().get_item("flow-templates", Key=key)["Item"]
    assert "__s3__" in raw["nodes"]["M"]  # offloaded: the item holds a pointer
    got = member.call("GET", f"{PATH}/{created.json()['id']}").json()["content"]
    assert [(n["id"], n["data"]) for n in got["nodes"]] == [
        (n["id"], n["data"]) for n in big["nodes"]
    ]
    assert [(e["source"], e["target"]) for e in got["edges"]] == [
        (e["source"], e["target"]) for e in big["edges"]
    ]
    used = member.call(
        "POST", f"{PATH}/{created.json()['id']}/use", {"project_id": crew["project"]["id"]}
    )
    assert used.status_code == 201, used.content
    saved = member.call("GET", f"/api/agents/{used.json()['agent_id']}/flow").json()
    assert saved["nodes"] == got["nodes"]
    gone = member.call("DELETE", f"{PATH}/{created.json()['id']}")
    assert gone.status_code == 204


def test_reading_needs_template_read(crew, http):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    t = new_template(owner)
    keys = f"/api/organizations/{owner.org_id}/api-keys"

    def mint(permissions: list[str]) -> str:
        minted = owner.call("POST", keys, {"name": "bot", "permissions": permissions})
        assert minted.status_code == 201, minted.content
        return minted.json()["key"]  # type: ignore[no-any-return]

    without = mint(["org:read"])
    assert http.get(PATH, HTTP_X_API_KEY=without).status_code == 403
    assert http.get(f"{PATH}/{t['id']}", HTTP_X_API_KEY=without).status_code == 403
    reader = mint(["template:read"])
    assert http.get(PATH, HTTP_X_API_KEY=reader).status_code == 200
    assert http.get(f"{PATH}/{t['id']}", HTTP_X_API_KEY=reader).status_code == 200
    refused = http.post(
        f"{PATH}/{t['id']}/use",
        {"project_id": crew["project"]["id"]},
        content_type="application/json",
        HTTP_X_API_KEY=reader,
    )
    assert refused.status_code == 403  # using makes an agent: agent:write too
