"""Metric batches (idempotent, packed) and histories (step and time ranges, down-sampled)."""

from __future__ import annotations

from typing import Any

from tests.api.lab.tracking_helpers import log_metrics, new_experiment, new_run


def _run(crew: Any) -> tuple[str, str]:
    exp = new_experiment(crew["member"], crew["project"]["id"])
    return exp["id"], new_run(crew["member"], exp["id"])["id"]


def test_log_and_read_history_with_latest_on_the_run(crew):  # type: ignore[no-untyped-def]
    editor = crew["member"]
    exp, run = _run(crew)
    points = [
        {"key": "loss", "value": 1 / (s + 1), "step": s, "timestamp": 1000 + s} for s in range(250)
    ]
    points.append({"key": "acc", "value": 0.5, "step": 3})
    logged = log_metrics(editor, exp, run, points)
    assert logged.status_code == 201, logged.content
    assert logged.json()["received"] == logged.json()["written"] == 251
    assert logged.json()["keys"] == ["acc", "loss"]
    base = f"/api/experiments/{exp}/runs/{run}"
    history = crew["viewer"].call("GET", f"{base}/metrics/loss?max_points=1000").json()
    assert history["total"] == 250 and not history["downsampled"]
    assert [p["step"] for p in history["points"]] == list(range(250))
    assert history["points"][7]["value"] == 1 / 8
    ranged = crew["viewer"].call("GET", f"{base}/metrics/loss?step_from=95&step_to=105").json()
    assert [p["step"] for p in ranged["points"]] == list(range(95, 106))
    timed = crew["viewer"].call("GET", f"{base}/metrics/loss?time_from=1010&time_to=1012").json()
    assert [p["step"] for p in timed["points"]] == [10, 11, 12]
    thin = crew["viewer"].call("GET", f"{base}/metrics/loss?max_points=20").json()
    assert thin["downsampled"] and len(thin["points"]) <= 20 and thin["total"] == 250
    assert thin["points"][0]["step"] == 0  # the highest point survives
    latest = crew["viewer"].call("GET", base).json()["metrics"]
    assert latest["loss"]["step"] == 249 and latest["acc"]["value"] == 0.5
    assert latest["acc"]["timestamp"] > 1_600_000_000_000  # now, when not given


def test_a_retried_batch_lands_once(crew):  # type: ignore[no-untyped-def]
    editor = crew["member"]
    exp, run = _run(crew)
    points = [{"key": "loss", "value": 0.5, "step": s, "timestamp": s} for s in range(150)]
    first = log_metrics(editor, exp, run, points, batch_id="b-1")
    again = log_metrics(editor, exp, run, points, batch_id="b-1")
    assert first.json()["written"] == 150 and again.json()["written"] == 0
    path = f"/api/experiments/{exp}/runs/{run}/metrics"
    keyed = editor.call("POST", path, {"metrics": points[:5]}, **{"Idempotency-Key": "k-7"})
    replay = editor.call("POST", path, {"metrics": points[:5]}, **{"Idempotency-Key": "k-7"})
    assert keyed.status_code == replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    history = editor.call("GET", f"{path}/loss?max_points=10000").json()
    assert history["total"] == 155


def test_metric_bad_input_roles_and_tenants(crew, outsider):  # type: ignore[no-untyped-def]
    editor, viewer = crew["member"], crew["viewer"]
    exp, run = _run(crew)
    path = f"/api/experiments/{exp}/runs/{run}/metrics"
    one = [{"key": "loss", "value": 1.0, "step": 0}]
    too_many = [{"key": "loss", "value": 1.0, "step": s} for s in range(1001)]
    for bad in (
        [],
        too_many,
        [{"key": "../x", "value": 1}],
        [{"key": "a", "value": 1, "step": -1}],
    ):
        assert editor.call("POST", path, {"metrics": bad}).status_code == 422, bad
    assert editor.call("GET", f"{path}/loss?max_points=1").status_code == 422
    assert editor.call("GET", f"{path}/loss?step_from=9&step_to=2").status_code == 422
    assert viewer.call("POST", path, {"metrics": one}).status_code == 403
    assert outsider.call("POST", path, {"metrics": one}).status_code == 404
    assert outsider.call("GET", f"{path}/loss").status_code == 404


def test_keys_with_slashes_and_many_points_at_one_step(crew):  # type: ignore[no-untyped-def]
    editor = crew["member"]
    exp, run = _run(crew)
    points = [
        {"key": "eval/loss", "value": float(i), "step": 0, "timestamp": i} for i in range(900)
    ]
    assert log_metrics(editor, exp, run, points).json()["written"] == 900
    more = log_metrics(editor, exp, run, points[:10], batch_id="again")
    assert more.json()["written"] == 10
    path = f"/api/experiments/{exp}/runs/{run}/metrics/eval/loss?max_points=10000"
    history = editor.call("GET", path).json()
    assert history["key"] == "eval/loss" and history["total"] == 910


def test_ten_thousand_points_round_trip_in_few_write_units(crew):  # type: ignore[no-untyped-def]
    """10 batches of 1,000 points: the history reads back equal, and the packed buckets cost
    a small fraction of the 10,000 units one item per point would (measured by the client
    wrapper's recorder, from item sizes as DynamoDB charges them)."""
    from nexus.container import container

    editor = crew["member"]
    exp, run = _run(crew)
    points = [
        {
            "key": "loss",
            "value": round(1 / (s + 1), 12),
            "step": s,
            "timestamp": 1_700_000_000_000 + s,
        }
        for s in range(10_000)
    ]
    with container().gateways.recorder().capture() as calls:
        for start in range(0, 10_000, 1000):
            batch = log_metrics(editor, exp, run, points[start : start + 1000])
            assert batch.status_code == 201 and batch.json()["written"] == 1000
    series = [c for c in calls if c.table == "metrics-timeseries"]
    units = sum(c.write_units for c in series)
    assert len([c for c in series if c.operation == "UpdateItem"]) == 100  # one per bucket
    assert units <= 500, units  # 10,000 one-point items would cost 10,000
    history = editor.call(
        "GET", f"/api/experiments/{exp}/runs/{run}/metrics/loss?max_points=10000"
    ).json()
    assert history["total"] == 10_000 and not history["downsampled"]
    assert history["points"] == [
        {"step": p["step"], "timestamp": p["timestamp"], "value": p["value"]} for p in points
    ]
    latest = editor.call("GET", f"/api/experiments/{exp}/runs/{run}").json()["metrics"]["loss"]
    assert latest == {
        "value": points[-1]["value"],
        "step": 9999,
        "timestamp": points[-1]["timestamp"],
    }
    print(
        f"\n10,000 points: {units} write units on metrics-timeseries ({units / 10:.1f} per 1,000)"
    )
