"""Experiment run logs: batches (idempotent), newest-first pages, filters and tailing."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from domains.lab.logs.services import SETTLE
from tests.api.lab.tracking_helpers import new_experiment, new_run


def _line(message: str, **extra: Any) -> dict[str, Any]:
    return {"component": "trainer", "severity": "info", "message": message, **extra}


def _post(caller: Any, exp: str, entries: list[Any], **headers: str) -> Any:
    return caller.call("POST", f"/api/experiments/{exp}/logs", {"entries": entries}, **headers)


def _settle() -> None:
    time.sleep(SETTLE.total_seconds() + 0.1)


def _setup(crew: Any, name: str = "churn-tuning") -> tuple[str, str]:
    exp = new_experiment(crew["member"], crew["project"]["id"], name)["id"]
    return exp, new_run(crew["member"], exp)["id"]


def test_post_read_filter_and_page(crew):  # type: ignore[no-untyped-def]
    editor, viewer = crew["member"], crew["viewer"]
    exp, run = _setup(crew)
    old = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    entries = [
        _line("start", run_id=run, fields={"lr": 0.1}),
        _line("disk low", severity="warning", component="loader"),
        _line("boom", severity="error", run_id=run, timestamp=old),
        _line("dbg", severity="debug"),
    ]
    posted = _post(editor, exp, entries)
    assert posted.status_code == 201, posted.content
    assert posted.json()["received"] == 4 and len(set(posted.json()["log_ids"])) == 4
    _settle()
    base = f"/api/experiments/{exp}/logs"
    page = viewer.call("GET", base).json()
    assert [e["message"] for e in page["items"]] == ["dbg", "boom", "disk low", "start"]
    assert page["items"][3]["fields"] == {"lr": 0.1} and page["items"][3]["run_id"] == run
    warn = viewer.call("GET", f"{base}?min_severity=warning").json()["items"]
    assert [e["message"] for e in warn] == ["boom", "disk low"]
    loader = viewer.call("GET", f"{base}?component=loader").json()["items"]
    assert [e["message"] for e in loader] == ["disk low"]
    since_hour = (datetime.now(UTC) - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    recent = viewer.call("GET", f"{base}?from={since_hour}")
    assert "boom" not in [e["message"] for e in recent.json()["items"]]
    assert len(recent.json()["items"]) == 3
    runs = viewer.call("GET", f"/api/experiments/{exp}/runs/{run}/logs").json()["items"]
    assert [e["message"] for e in runs] == ["boom", "start"]
    first = viewer.call("GET", f"{base}?limit=3").json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = viewer.call("GET", f"{base}?limit=3&cursor={first['next_cursor']}").json()
    assert [e["message"] for e in rest["items"]] == ["start"] and rest["next_cursor"] is None


def test_tailing_returns_each_later_line_once(crew):  # type: ignore[no-untyped-def]
    editor, viewer = crew["member"], crew["viewer"]
    exp, run = _setup(crew)
    base = f"/api/experiments/{exp}/logs"
    assert _post(editor, exp, [_line("before")]).status_code == 201
    _settle()
    listed = viewer.call("GET", base).json()
    assert [e["message"] for e in listed["items"]] == ["before"]
    cursor = listed["tail_cursor"]
    late = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert _post(editor, exp, [_line("a"), _line("b", timestamp=late, run_id=run)]).status_code
    young = viewer.call("GET", f"{base}?since={cursor}").json()
    assert young["items"] == []  # not settled yet: shown by a later call, not lost
    _settle()
    tail = viewer.call("GET", f"{base}?since={young['tail_cursor']}").json()
    assert [e["message"] for e in tail["items"]] == ["a", "b"]  # the late one too
    again = viewer.call("GET", f"{base}?since={tail['tail_cursor']}").json()
    assert again["items"] == []
    assert _post(editor, exp, [_line(f"n{i}") for i in range(5)]).status_code == 201
    _settle()
    seen: list[str] = []
    cursor, more = again["tail_cursor"], True
    while more:
        got = viewer.call("GET", f"{base}?since={cursor}&limit=2").json()
        seen += [e["message"] for e in got["items"]]
        cursor, more = got["tail_cursor"], got["more"]
    assert seen == [f"n{i}" for i in range(5)]
    run_tail = viewer.call("GET", f"/api/experiments/{exp}/runs/{run}/logs?since={cursor}")
    assert run_tail.status_code == 200 and run_tail.json()["items"] == []


def test_idempotency_key_replays_and_never_doubles(crew):  # type: ignore[no-untyped-def]
    editor = crew["member"]
    exp, _ = _setup(crew)
    entries = [_line(f"m{i}") for i in range(30)]
    first = _post(editor, exp, entries, **{"Idempotency-Key": "batch-1"})
    replay = _post(editor, exp, entries, **{"Idempotency-Key": "batch-1"})
    assert first.status_code == replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true" and replay.json() == first.json()
    _settle()
    items = editor.call("GET", f"/api/experiments/{exp}/logs?limit=100").json()["items"]
    assert len(items) == 30


def test_bad_input_roles_and_tenants(crew, outsider):  # type: ignore[no-untyped-def]
    editor, viewer = crew["member"], crew["viewer"]
    exp, run = _setup(crew)
    other_exp, other_run = _setup(crew, "other")
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    for bad in (
        [],
        [_line("x")] * 501,
        [_line("x", severity="fatal")],
        [_line("")],
        [_line("x" * 8001)],
        [_line("x", timestamp=future)],
        [_line("x", run_id=other_run)],
        [{"severity": "info", "message": "no component"}],
    ):
        assert _post(editor, exp, bad).status_code == 422, bad[:1]
    base = f"/api/experiments/{exp}/logs"
    assert editor.call("GET", f"{base}?min_severity=loud").status_code == 422
    assert editor.call("GET", f"{base}?since=garbage").status_code == 422
    assert _post(viewer, exp, [_line("x")]).status_code == 403
    assert _post(outsider, exp, [_line("x")]).status_code == 404
    assert outsider.call("GET", base).status_code == 404
    assert outsider.call("GET", f"/api/experiments/{exp}/runs/{run}/logs").status_code == 404
    assert editor.call("GET", f"/api/experiments/{exp}/runs/{other_run}/logs").status_code == 404
    assert editor.call("GET", f"/api/experiments/{other_exp}/logs").json()["items"] == []


def _mint(owner: Any, *permissions: str) -> str:
    created = owner.call(
        "POST",
        f"/api/organizations/{owner.org_id}/api-keys",
        {"name": "trainer", "permissions": list(permissions)},
    )
    assert created.status_code == 201, created.content
    return str(created.json()["key"])


def test_an_api_key_with_lab_write_posts_logs(crew):  # type: ignore[no-untyped-def]
    owner = crew["owner"]
    exp, run = _setup(crew)
    path, http = f"/api/experiments/{exp}/logs", owner.http
    body = {"entries": [_line("from the trainer", run_id=run)]}
    key = _mint(owner, "lab:write", "lab:read", "project:read")
    posted = http.post(path, body, content_type="application/json", HTTP_X_API_KEY=key)
    assert posted.status_code == 201, posted.content
    reader = _mint(owner, "lab:read", "project:read")
    refused = http.post(path, body, content_type="application/json", HTTP_X_API_KEY=reader)
    assert refused.status_code == 403
    _settle()
    listed = http.get(path, HTTP_X_API_KEY=reader)
    assert [e["message"] for e in listed.json()["items"]] == ["from the trainer"]


def test_two_callers_with_one_key_keep_their_own_lines(crew):  # type: ignore[no-untyped-def]
    exp, _ = _setup(crew)
    key = {"Idempotency-Key": "same-key"}
    assert _post(crew["member"], exp, [_line("mine")], **key).status_code == 201
    assert _post(crew["owner"], exp, [_line("theirs")], **key).status_code == 201
    _settle()
    items = crew["viewer"].call("GET", f"/api/experiments/{exp}/logs").json()["items"]
    assert sorted(e["message"] for e in items) == ["mine", "theirs"]
