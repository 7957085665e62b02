"""/api/content: presigned upload, confirm by HEAD, download URL, lists, delete; 422, 403,
404 across tenants, 401, and one audit entry per mutation.

moto in-process cannot receive a PUT to the presigned URL (no socket listens), so the tests
put the object through the S3 client the way the browser would, then confirm.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import pytest

from domains.shared.ids import new_id

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 120


def _join(owner, user, role: str) -> None:  # type: ignore[no-untyped-def]
    from domains.identity.model import Membership
    from nexus.container import container

    with container().identity.uow()() as uow:
        uow.memberships.add(Membership(owner.org_id, user.user_id, role, datetime.now(UTC)))
        uow.commit()
    user.org_id = owner.org_id


def _tenant(caller):  # type: ignore[no-untyped-def]
    caller.headers["X-Organization-Id"] = caller.org_id
    return caller


def _upload(caller, name: str = "logo.png", data: bytes = PNG, kind: str = "image/png"):  # type: ignore[no-untyped-def]
    body = {"filename": name, "content_type": kind, "size": len(data)}
    return caller.call("POST", "/api/content/uploads", body)


def _put(s3_key: str, data: bytes, kind: str = "image/png") -> None:
    """What the browser does with the presigned PUT, done through the S3 client."""
    from nexus.container import container

    store = container().gateways.object_store()
    store.put(s3_key, data, content_type=kind)


def _s3_key(created) -> str:  # type: ignore[no-untyped-def]
    path = urlparse(created.json()["upload"]["url"]).path
    return path[path.index("/content/") + 1 :]


def test_upload_confirm_download_list_delete(signup):  # type: ignore[no-untyped-def]
    from nexus.container import container

    ada = _tenant(signup("ada", org=True))
    created = _upload(ada, "../My Logo (final).png")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending" and body["expires_at"] and body["size"] == len(PNG)
    upload = body["upload"]
    assert upload["method"] == "PUT"
    assert upload["headers"] == {
        "Content-Type": "image/png",
        "x-amz-tagging": "nexus-upload=pending",
    }
    assert upload["expires_in"] == 900
    key = f"content/{ada.org_id}/{body['id']}/My_Logo_final_.png"
    parsed = urlparse(upload["url"])
    assert parsed.path.endswith("/" + key) and "X-Amz-Signature" in parse_qs(parsed.query)

    path = f"/api/content/{body['id']}"
    assert ada.call("POST", f"{path}/confirm").status_code == 409  # nothing uploaded yet
    pending = ada.call("GET", path).json()
    assert pending["status"] == "pending" and pending["download"] is None

    _put(key, PNG)
    confirmed = ada.call("POST", f"{path}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["expires_at"] is None
    assert confirmed["ETag"] == '"2"'
    assert ada.call("POST", f"{path}/confirm").json()["version"] == 2  # idempotent

    got = ada.call("GET", path).json()
    download = urlparse(got["download"]["url"])
    assert got["download"]["method"] == "GET" and download.path.endswith("/" + key)
    assert "attachment" in parse_qs(download.query)["response-content-disposition"][0]

    items = ada.call("GET", "/api/content").json()["items"]
    assert [(i["id"], i["status"]) for i in items] == [(body["id"], "confirmed")]
    store = container().gateways.object_store()
    assert ada.call("DELETE", path).status_code == 204
    assert list(store.keys(f"content/{ada.org_id}/")) == []
    assert ada.call("GET", path).status_code == 404
    assert ada.call("GET", "/api/content").json()["items"] == []


def test_confirm_checks_the_stored_size(signup):  # type: ignore[no-untyped-def]
    ada = _tenant(signup("ada", org=True))
    created = _upload(ada)
    _put(_s3_key(created), PNG[:-1])
    assert ada.call("POST", f"/api/content/{created.json()['id']}/confirm").status_code == 409


def test_confirmed_records_lose_their_ttl_in_the_table(signup):  # type: ignore[no-untyped-def]
    from nexus.container import container

    ada = _tenant(signup("ada", org=True))
    created = _upload(ada)
    content_id = created.json()["id"]
    item = _item(container(), ada.org_id, content_id)
    assert int(item["expires_at"]["N"]) > datetime.now(UTC).timestamp()
    assert item["gsi1pk"]["S"] == f"ORG#{ada.org_id}#OWNER#{ada.user_id}"
    assert item["gsi1sk"]["S"].endswith(f"#{content_id}")
    _put(_s3_key(created), PNG)
    ada.call("POST", f"/api/content/{content_id}/confirm")
    assert "expires_at" not in _item(container(), ada.org_id, content_id)


def _item(c, org_id: str, content_id: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    key = {"pk": {"S": f"ORG#{org_id}"}, "sk": {"S": f"CONTENT#{content_id}"}}
    return c.gateways.dynamo().get_item("user-content-metadata", Key=key)["Item"]


def test_mine_lists_only_my_uploads_newest_first(signup):  # type: ignore[no-untyped-def]
    ada, bob = _tenant(signup("ada", org=True)), signup("bob")
    _join(ada, bob, "member")
    _tenant(bob)
    first = _upload(ada, "a.txt", b"a", "text/plain")
    second = _upload(ada, "b.txt", b"b", "text/plain")
    theirs = _upload(bob, "c.csv", b"c", "text/csv")
    assert theirs.status_code == 201
    mine = ada.call("GET", "/api/content?mine=true").json()["items"]
    assert [i["id"] for i in mine] == [second.json()["id"], first.json()["id"]]
    everyone = ada.call("GET", "/api/content?limit=2").json()
    assert [i["id"] for i in everyone["items"]] == [theirs.json()["id"], second.json()["id"]]
    rest = ada.call("GET", f"/api/content?limit=2&cursor={everyone['next_cursor']}").json()
    assert [i["id"] for i in rest["items"]] == [first.json()["id"]] and rest["next_cursor"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"filename": "x.html", "content_type": "text/html", "size": 10},
        {"filename": "x.svg", "content_type": "image/svg+xml", "size": 10},
        {"filename": "x.exe", "content_type": "application/octet-stream", "size": 10},
        {"filename": "big.zip", "content_type": "application/zip", "size": 50 * 1024 * 1024 + 1},
        {"filename": "empty.txt", "content_type": "text/plain", "size": 0},
        {"filename": "", "content_type": "text/plain", "size": 1},
        {"filename": "x.txt", "content_type": "text/plain"},
        {"filename": "x.txt", "content_type": "text/plain", "size": "many"},
    ],
)
def test_bad_type_or_size_is_422(signup, body):  # type: ignore[no-untyped-def]
    ada = _tenant(signup("ada", org=True))
    assert ada.call("POST", "/api/content/uploads", body).status_code == 422


def test_type_parameters_are_dropped_and_case_folded(signup):  # type: ignore[no-untyped-def]
    ada = _tenant(signup("ada", org=True))
    created = _upload(ada, "notes.md", b"# hi", "Text/Markdown; charset=utf-8")
    assert created.status_code == 201 and created.json()["content_type"] == "text/markdown"


def test_viewers_read_but_cannot_upload_members_touch_only_their_own(signup):  # type: ignore[no-untyped-def]
    ada, vic, mel = _tenant(signup("ada", org=True)), signup("vic"), signup("mel")
    _join(ada, vic, "viewer")
    _join(ada, mel, "member")
    _tenant(vic), _tenant(mel)
    created = _upload(ada)
    path = f"/api/content/{created.json()['id']}"
    assert _upload(vic).status_code == 403
    assert vic.call("GET", path).status_code == 200
    assert vic.call("GET", "/api/content").status_code == 200
    assert vic.call("DELETE", path).status_code == 403
    assert mel.call("DELETE", path).status_code == 403
    assert mel.call("POST", f"{path}/confirm").status_code == 403
    mine = _upload(mel)
    assert mel.call("DELETE", f"/api/content/{mine.json()['id']}").status_code == 204
    assert ada.call("DELETE", path, **{"If-Match": '"7"'}).status_code == 412
    assert ada.call("DELETE", path, **{"If-Match": '"1"'}).status_code == 204


def test_other_organisations_answer_404(signup):  # type: ignore[no-untyped-def]
    ada, eve = _tenant(signup("ada", org=True)), _tenant(signup("eve", org=True))
    created = _upload(ada)
    _put(_s3_key(created), PNG)
    path = f"/api/content/{created.json()['id']}"
    for method, target in [("GET", path), ("POST", f"{path}/confirm"), ("DELETE", path)]:
        assert eve.call(method, target).status_code == 404, (method, target)
    assert eve.call("GET", "/api/content").json()["items"] == []
    # naming ada's organisation in the header does not help eve either
    assert eve.call("GET", path, **{"X-Organization-Id": ada.org_id}).status_code == 404
    assert eve.call("GET", f"/api/content/{new_id()}").status_code == 404
    assert eve.call("GET", "/api/content/not-an-id").status_code == 404
    assert ada.call("POST", f"{path}/confirm").status_code == 200


def test_the_organisation_header_is_required(signup):  # type: ignore[no-untyped-def]
    ada = signup("ada", org=True)
    assert ada.call("GET", "/api/content").status_code == 422


def test_anonymous_requests_are_401(http, stack):  # type: ignore[no-untyped-def]
    org = {"HTTP_X_ORGANIZATION_ID": new_id()}
    assert http.get("/api/content", **org).status_code == 401
    assert http.get(f"/api/content/{new_id()}", **org).status_code == 401
    assert http.delete(f"/api/content/{new_id()}", **org).status_code == 401
    body = {"filename": "a.txt", "content_type": "text/plain", "size": 1}
    response = http.post("/api/content/uploads", body, content_type="application/json", **org)
    assert response.status_code == 401


def test_every_mutation_leaves_exactly_one_audit_entry(signup):  # type: ignore[no-untyped-def]
    from nexus.container import container

    ada = _tenant(signup("ada", org=True))
    created = _upload(ada)
    _put(_s3_key(created), PNG)
    path = f"/api/content/{created.json()['id']}"
    ada.call("POST", f"{path}/confirm")
    ada.call("POST", f"{path}/confirm")  # already confirmed: no change, no entry
    ada.call("DELETE", path)
    dynamo = container().gateways.dynamo()
    items = dynamo.query(
        "system-logs",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"ORG#{ada.org_id}#AUDIT"}},
    )["Items"]
    content = sorted(i["action"]["S"] for i in items if i["resource_type"]["S"] == "content")
    assert content == ["content.confirm", "content.delete", "content.upload"]


def test_uploads_arrive_tagged_unconfirmed_and_confirming_untags_them(signup):  # type: ignore[no-untyped-def]
    """The presigned PUT itself (sent as a browser would) carries the tag the bucket's
    lifecycle rule expires; confirming removes it, so only abandoned uploads expire."""
    import requests

    from nexus.container import container

    ada = _tenant(signup("ada", org=True))
    created = _upload(ada)
    upload = created.json()["upload"]
    assert upload["headers"] == {
        "Content-Type": "image/png",
        "x-amz-tagging": "nexus-upload=pending",
    }
    sent = requests.put(upload["url"], data=PNG, headers=upload["headers"], timeout=10)
    assert sent.status_code == 200, sent.text
    store = container().gateways.object_store()
    key = _s3_key(created)

    def tags() -> list[dict[str, str]]:
        s3 = container().gateways.s3_boto()
        return s3.get_object_tagging(Bucket=store.bucket, Key=key)["TagSet"]

    assert tags() == [{"Key": "nexus-upload", "Value": "pending"}]
    confirmed = ada.call("POST", f"/api/content/{created.json()['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert tags() == []
