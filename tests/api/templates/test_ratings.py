"""PUT/DELETE /api/templates/{id}/rating: one rating per user, changeable; the listing's
average and count exact (ADD in the rating's transaction); popularity follows once the
TemplateRated events are delivered."""

from __future__ import annotations

from tests.api.templates.conftest import new_template, relay

PATH = "/api/templates"


def test_rate_change_and_remove(crew):  # type: ignore[no-untyped-def]
    member, admin, owner = crew["member"], crew["admin"], crew["owner"]
    t = new_template(member)
    path = f"{PATH}/{t['id']}/rating"
    first = member.call("PUT", path, {"stars": 5})
    assert first.status_code == 200, first.content
    assert first.json() == {
        "template_id": t["id"],
        "stars": 5,
        "rating_average": 5.0,
        "rating_count": 1,
    }
    assert admin.call("PUT", path, {"stars": 2}).json()["rating_count"] == 2
    changed = member.call("PUT", path, {"stars": 3})  # changes, does not add
    assert changed.json()["rating_count"] == 2 and changed.json()["rating_average"] == 2.5
    assert owner.call("PUT", path, {"stars": 4}).json()["rating_average"] == 3.0
    assert admin.call("DELETE", path).status_code == 204
    assert admin.call("DELETE", path).status_code == 404
    got = member.call("GET", f"{PATH}/{t['id']}")
    assert got.json()["rating_count"] == 2 and got.json()["rating_average"] == 3.5
    assert got["ETag"] == '"1"'  # a rating is not an edit: If-Match holders stay current
    relay()
    assert member.call("GET", f"{PATH}/{t['id']}").json()["popularity"] == 4 * 7


def test_bad_stars_are_422_and_viewers_cannot_rate(crew):  # type: ignore[no-untyped-def]
    t = new_template(crew["member"])
    path = f"{PATH}/{t['id']}/rating"
    for bad in ({"stars": 0}, {"stars": 6}, {"stars": "five"}, {}):
        assert crew["member"].call("PUT", path, bad).status_code == 422, bad
    assert crew["viewer"].call("PUT", path, {"stars": 4}).status_code == 403
    assert crew["viewer"].call("DELETE", path).status_code == 403


def test_other_organisations_rate_public_templates_only(crew, outsider):  # type: ignore[no-untyped-def]
    public = new_template(crew["admin"], visibility="public")
    internal = new_template(crew["admin"])
    rated = outsider.call("PUT", f"{PATH}/{public['id']}/rating", {"stars": 4})
    assert rated.status_code == 200 and rated.json()["rating_count"] == 1
    assert outsider.call("PUT", f"{PATH}/{internal['id']}/rating", {"stars": 4}).status_code == 404
    assert outsider.call("DELETE", f"{PATH}/{internal['id']}/rating").status_code == 404
