"""/api/datasets: registering datasets (names unique per organisation), metadata updates
(If-Match), soft deletion, immutable versions with checksums, and lineage from both ends
(a run records a dataset version through the tracking API; the dataset's lineage lists the
run, and /api/datasets?run_id= lists the dataset); the refusals (422, 403, 404 across
tenants, 412) and Idempotency-Key on the creating POSTs."""

from __future__ import annotations

from typing import Any

from domains.shared.ids import new_id
from tests.api.openapi_bodies import ORG_HEADER

DATASETS = "/api/datasets"
SHA = "ab" * 32
COLUMNS = [{"name": "tenure", "type": "int64"}, {"name": "churned", "type": "bool"}]


def register(caller: Any, project_id: str, name: str = "churn-data", **extra: Any) -> Any:
    body = {
        "name": name,
        "project_id": project_id,
        "s3_uri": "s3://data-lake/churn/",
        "format": "parquet",
        "tags": ["Churn"],
        "columns": COLUMNS,
        "size_bytes": 1024,
        "row_count": 10,
        **extra,
    }
    made = caller.call("POST", DATASETS, body)
    assert made.status_code == 201, made.content
    return made.json()


def add_version(caller: Any, dataset_id: str, **extra: Any) -> Any:
    body = {"s3_uri": "s3://data-lake/churn/v/", "checksum": SHA, "row_count": 5, **extra}
    added = caller.call("POST", f"{DATASETS}/{dataset_id}/versions", body)
    assert added.status_code == 201, added.content
    return added.json()


def test_register_get_list_and_names_unique(crew):  # type: ignore[no-untyped-def]
    member, viewer, project = crew["member"], crew["viewer"], crew["project"]
    made = register(member, project["id"])
    assert made["tags"] == ["churn"] and made["latest_version"] == 0 and made["revision"] == 1
    assert made["columns"][0] == {"name": "tenure", "type": "int64", "description": ""}
    got = viewer.call("GET", f"{DATASETS}/{made['id']}")
    assert got.status_code == 200 and got["ETag"] == '"1"' and got.json()["format"] == "parquet"
    taken = member.call("POST", DATASETS, {**_body(project["id"]), "name": "CHURN-DATA"})
    assert taken.status_code == 409
    second = register(member, project["id"], name="eval-data", tags=["eval"])
    listed = viewer.call("GET", f"{DATASETS}?limit=1")
    assert listed.status_code == 200 and listed.json()["next_cursor"]
    assert [d["id"] for d in listed.json()["items"]] == [second["id"]]
    rest = viewer.call("GET", f"{DATASETS}?limit=1&cursor={listed.json()['next_cursor']}")
    assert [d["id"] for d in rest.json()["items"]] == [made["id"]]
    by_tag = viewer.call("GET", f"{DATASETS}?tag=churn").json()["items"]
    assert [d["id"] for d in by_tag] == [made["id"]]
    by_project = viewer.call("GET", f"{DATASETS}?project_id={project['id']}").json()["items"]
    assert {d["id"] for d in by_project} == {made["id"], second["id"]}


def _body(project_id: str) -> dict[str, Any]:
    return {"name": "x", "project_id": project_id, "s3_uri": "s3://b-1/k", "format": "csv"}


def test_bad_input_is_422(crew):  # type: ignore[no-untyped-def]
    member, project = crew["member"], crew["project"]
    base = _body(project["id"])
    for bad in (
        {"format": "xlsx"},
        {"s3_uri": "http://not-s3/x"},
        {"name": "  "},
        {"size_bytes": -1},
        {"columns": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]},
        {"tags": ["no spaces allowed"]},
    ):
        answer = member.call("POST", DATASETS, {**base, **bad})
        assert answer.status_code == 422, (bad, answer.content)
    dataset_id = register(member, project["id"])["id"]
    path = f"{DATASETS}/{dataset_id}/versions"
    for bad_sum in ("zz" * 32, "ab" * 31, "sha1:" + "ab" * 32):
        body = {"s3_uri": "s3://b-1/k", "checksum": bad_sum}
        assert member.call("POST", path, body).status_code == 422, bad_sum
    assert member.call("PUT", f"{DATASETS}/{dataset_id}", {"format": "nope"}).status_code == 422
    assert member.call("GET", f"{DATASETS}?run_id=not-an-id").status_code == 422


def test_versions_are_numbered_and_immutable(crew):  # type: ignore[no-untyped-def]
    member, viewer, project = crew["member"], crew["viewer"], crew["project"]
    dataset_id = register(member, project["id"])["id"]
    first = add_version(member, dataset_id, checksum="sha256:" + SHA.upper())
    assert first["version"] == 1 and first["checksum"] == SHA
    assert first["columns"] == [{**c, "description": ""} for c in COLUMNS]
    second = add_version(member, dataset_id, columns=[{"name": "x", "type": "float"}])
    assert second["version"] == 2 and [c["name"] for c in second["columns"]] == ["x"]
    listed = viewer.call("GET", f"{DATASETS}/{dataset_id}/versions").json()
    assert [v["version"] for v in listed["items"]] == [2, 1]
    one = viewer.call("GET", f"{DATASETS}/{dataset_id}/versions/1")
    assert one.status_code == 200 and one.json()["row_count"] == 5
    for missing in ("3", "0", "abc"):
        got = viewer.call("GET", f"{DATASETS}/{dataset_id}/versions/{missing}")
        assert got.status_code == 404, missing
    dataset = viewer.call("GET", f"{DATASETS}/{dataset_id}")
    assert dataset.json()["latest_version"] == 2 and dataset["ETag"] == '"3"'
    body = {"s3_uri": "s3://b-1/k", "checksum": SHA}
    path = f"{DATASETS}/{dataset_id}/versions"
    stale = member.call("POST", path, body, **{"If-Match": '"2"'})
    assert stale.status_code == 412
    fresh = member.call("POST", path, body, **{"If-Match": '"3"'})
    assert fresh.status_code == 201 and fresh.json()["version"] == 3


def test_update_with_if_match_and_soft_delete(crew):  # type: ignore[no-untyped-def]
    member, project = crew["member"], crew["project"]
    dataset_id = register(member, project["id"])["id"]
    path = f"{DATASETS}/{dataset_id}"
    changed = member.call(
        "PUT", path, {"description": "monthly", "tags": ["a", "b"]}, **{"If-Match": '"1"'}
    )
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    assert changed.json()["tags"] == ["a", "b"] and changed.json()["format"] == "parquet"
    assert member.call("PUT", path, {"row_count": 1}, **{"If-Match": '"1"'}).status_code == 412
    nulls = {"description": None, "tags": None, "s3_uri": None, "columns": None, "row_count": None}
    kept = member.call("PUT", path, nulls).json()
    assert kept["tags"] == ["a", "b"] and kept["row_count"] is None and kept["revision"] == 3
    assert kept["description"] == "monthly" and kept["columns"][0]["name"] == "tenure"
    assert member.call("DELETE", path, **{"If-Match": '"2"'}).status_code == 412
    assert member.call("DELETE", path, **{"If-Match": '"3"'}).status_code == 204
    assert member.call("GET", path).status_code == 404
    assert member.call("GET", f"{path}/versions").status_code == 404
    assert all(d["id"] != dataset_id for d in member.call("GET", DATASETS).json()["items"])
    again = register(member, project["id"])  # the name is free again
    assert again["id"] != dataset_id


def test_roles_decide_who_writes(crew):  # type: ignore[no-untyped-def]
    member, viewer, project = crew["member"], crew["viewer"], crew["project"]
    refused = viewer.call("POST", DATASETS, _body(project["id"]))
    assert refused.status_code == 403
    dataset_id = register(member, project["id"])["id"]
    body = {"s3_uri": "s3://b-1/k", "checksum": SHA}
    assert viewer.call("POST", f"{DATASETS}/{dataset_id}/versions", body).status_code == 403
    assert viewer.call("PUT", f"{DATASETS}/{dataset_id}", {"row_count": 1}).status_code == 403
    assert viewer.call("DELETE", f"{DATASETS}/{dataset_id}").status_code == 403
    assert viewer.call("GET", f"{DATASETS}/{dataset_id}/lineage").status_code == 200


def test_other_tenants_see_404(crew, signup):  # type: ignore[no-untyped-def]
    owner, project = crew["owner"], crew["project"]
    dataset_id = register(owner, project["id"])["id"]
    add_version(owner, dataset_id)
    eve = signup("eve", org=True)
    for method, path, body in (
        ("GET", f"{DATASETS}/{dataset_id}", None),
        ("PUT", f"{DATASETS}/{dataset_id}", {"row_count": 1}),
        ("DELETE", f"{DATASETS}/{dataset_id}", None),
        ("GET", f"{DATASETS}/{dataset_id}/versions", None),
        ("POST", f"{DATASETS}/{dataset_id}/versions", {"s3_uri": "s3://b-1/k", "checksum": SHA}),
        ("GET", f"{DATASETS}/{dataset_id}/versions/1", None),
        ("GET", f"{DATASETS}/{dataset_id}/lineage", None),
    ):
        own = eve.call(method, path, body, **{ORG_HEADER: eve.org_id})
        assert own.status_code == 404, (method, path)
        other = eve.call(method, path, body, **{ORG_HEADER: owner.org_id})
        assert other.status_code == 404, (method, path)
    mine = {ORG_HEADER: eve.org_id}
    made = eve.call("POST", DATASETS, _body(project["id"]), **mine)
    assert made.status_code == 404  # another organisation's project
    assert eve.call("GET", DATASETS, **mine).json()["items"] == []


def test_lineage_from_both_ends(crew):  # type: ignore[no-untyped-def]
    member, viewer, project = crew["member"], crew["viewer"], crew["project"]
    dataset_id = register(member, project["id"])["id"]
    add_version(member, dataset_id)
    add_version(member, dataset_id)
    run_id = tracked_run(member, project["id"])
    other_run = tracked_run(member, project["id"])
    uses = [
        {"dataset_id": dataset_id, "version": "1", "context": "training"},
        {"dataset_id": dataset_id, "version": "2", "context": "eval"},
        {"dataset_id": new_id(), "version": "1", "context": "external"},  # not registered
        {"dataset_id": dataset_id, "version": "9"},  # no such version: kept on the run only
    ]
    patched = _record(member, run_id, uses)
    assert len(patched["datasets"]) == 4
    _record(member, other_run, [{"dataset_id": dataset_id, "version": "2"}])
    lineage = viewer.call("GET", f"{DATASETS}/{dataset_id}/lineage").json()
    assert [g["version"] for g in lineage["items"]] == [1, 2]
    assert [r["run_id"] for r in lineage["items"][0]["runs"]] == [run_id]
    assert lineage["items"][0]["runs"][0]["context"] == "training"
    assert {r["run_id"] for r in lineage["items"][1]["runs"]} == {run_id, other_run}
    one = viewer.call("GET", f"{DATASETS}/{dataset_id}/lineage?version=1").json()
    assert [g["version"] for g in one["items"]] == [1]
    used = viewer.call("GET", f"{DATASETS}?run_id={run_id}").json()["items"]
    assert [(d["id"], d["used"]["version"]) for d in used] == [(dataset_id, 1), (dataset_id, 2)]
    assert used[0]["used"]["run_id"] == run_id and used[0]["name"] == "churn-data"
    assert viewer.call("GET", f"{DATASETS}?run_id={new_id()}").json()["items"] == []


def tracked_run(caller: Any, project_id: str) -> str:
    """A run of a new experiment in the project, through the tracking API."""
    body = {"project_id": project_id, "name": f"exp-{new_id()[-8:]}"}
    experiment = caller.call("POST", "/api/experiments", body)
    assert experiment.status_code == 201, experiment.content
    run = caller.call("POST", f"/api/experiments/{experiment.json()['id']}/runs", {})
    assert run.status_code == 201, run.content
    RUNS[run.json()["id"]] = experiment.json()["id"]
    return str(run.json()["id"])


RUNS: dict[str, str] = {}  # run id -> its experiment's


def _record(caller: Any, run_id: str, uses: list[dict[str, str]]) -> Any:
    """Record dataset versions a run used through the tracking API."""
    path = f"/api/experiments/{RUNS[run_id]}/runs/{run_id}"
    patched = caller.call("PATCH", path, {"datasets": uses})
    assert patched.status_code == 200, patched.content
    return patched.json()


def test_creating_posts_honour_idempotency_keys(crew):  # type: ignore[no-untyped-def]
    member, project = crew["member"], crew["project"]
    key = {"Idempotency-Key": new_id()}
    body = {**_body(project["id"]), "name": "once"}
    first = member.call("POST", DATASETS, body, **key)
    again = member.call("POST", DATASETS, body, **key)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    path = f"{DATASETS}/{first.json()['id']}/versions"
    version = {"s3_uri": "s3://b-1/k", "checksum": SHA}
    key = {"Idempotency-Key": new_id()}
    assert member.call("POST", path, version, **key).json()["version"] == 1
    assert member.call("POST", path, version, **key).json()["version"] == 1
    assert member.call("GET", f"{DATASETS}/{first.json()['id']}").json()["latest_version"] == 1
