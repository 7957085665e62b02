"""MLflow's wire shapes: our domain errors as MLflow's error codes and HTTP statuses (what
the MLflow client raises on), key/value lists, statuses and stages; and the registry's read
of a model by name, which the MLflow API addresses models by."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domains.lab.mlflow import wire
from domains.lab.tracking.model import Experiment, MetricPoint, Run
from domains.shared import errors as e
from tests.unit.lab.registry_world import RegistryWorld


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (e.NotFound("run not found"), 404, "RESOURCE_DOES_NOT_EXIST"),
        (e.Forbidden("needs editor"), 403, "PERMISSION_DENIED"),
        (e.Unauthenticated("who"), 401, "UNAUTHENTICATED"),
        (e.ValidationFailed("bad", errors=[{"loc": ["k"], "msg": "m"}]), 400, wire.INVALID),
        (e.PayloadTooLarge("big"), 400, wire.INVALID),
        (e.PreconditionFailed("stale"), 400, "INVALID_STATE"),
        (e.Throttled("slow"), 429, "REQUEST_LIMIT_EXCEEDED"),
        (e.Unavailable("down"), 503, "TEMPORARILY_UNAVAILABLE"),
        (e.Conflict("the organisation has an experiment named 'x'", name="x"), 400, wire.EXISTS),
        (e.Conflict("a model named 'm' exists in the organisation"), 400, wire.EXISTS),
        (e.Conflict("params are immutable once logged: lr"), 400, wire.INVALID),
        (e.Conflict("the experiment is deleted"), 400, wire.INVALID),
        (e.DomainError("odd"), 500, "INTERNAL_ERROR"),
    ],
)
def test_domain_errors_answer_mlflows_codes(error: e.DomainError, status: int, code: str) -> None:
    answered, body = wire.error_of(error)
    assert (answered, body["error_code"]) == (status, code)
    assert body["message"].startswith(error.detail)


def test_validation_messages_name_the_field() -> None:
    _, body = wire.error_of(e.ValidationFailed("bad", errors=[{"loc": ["metrics", 3], "msg": "m"}]))
    assert body == {"error_code": wire.INVALID, "message": "bad (metrics.3: m)"}


def test_key_value_lists_both_ways() -> None:
    assert wire.pairs([{"key": "a", "value": 1}, {"key": "b"}], "tags") == {"a": "1", "b": ""}
    assert wire.pairs(None, "tags") == {}
    with pytest.raises(e.ValidationFailed):
        wire.pairs({"a": "1"}, "tags")
    assert wire.key_values({"b": "2", "a": "1"}) == [
        {"key": "a", "value": "1"},
        {"key": "b", "value": "2"},
    ]


def test_times_statuses_and_stages() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    assert wire.from_ms(wire.ms(moment), "t") == moment
    assert wire.from_ms(None, "t") is None
    with pytest.raises(e.ValidationFailed):
        wire.from_ms("soon", "start_time")
    assert wire.run_status("FINISHED") == "finished"
    assert wire.stage_of("Production") == "production" and wire.stage_of("None") == "none"
    with pytest.raises(e.ValidationFailed):
        wire.stage_of("Live")


def test_a_run_and_an_experiment_as_mlflow_shows_them() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    x = Experiment("o", "e1", "p1", "churn", "u", at, at, tags={"team": "ml"})
    shown = wire.experiment(x, "s3://b/mlflow/o")
    assert shown["artifact_location"] == "s3://b/mlflow/o/e1"
    assert {"key": wire.PROJECT_TAG, "value": "p1"} in shown["tags"]
    point = MetricPoint("loss", 0.5, 1000, 7)
    r = Run("o", "r1", "e1", "p1", "base", "u", at, "finished", at, {"lr": "0.1"}, {"t": "v"})
    r = Run(**{**r.__dict__, "latest_metrics": {"loss": point}})
    info, data = wire.run(r, "s3://b/mlflow/o")["info"], wire.run(r, "s3://b/mlflow/o")["data"]
    assert info["status"] == "FINISHED" and info["end_time"] == info["start_time"]
    assert info["artifact_uri"] == "s3://b/mlflow/o/e1/r1/artifacts"
    assert data["metrics"] == [{"key": "loss", "value": 0.5, "timestamp": 1000, "step": 7}]
    assert {"key": "mlflow.runName", "value": "base"} in data["tags"]


def test_the_registry_reads_a_model_by_name_in_any_case() -> None:
    world = RegistryWorld()
    owner = world.person("owner", "admin")
    model_id = world.model(owner, name="Churn")
    assert world.selector.by_name(ctx=owner, name="churn").id == model_id
    with pytest.raises(e.NotFound):
        world.selector.by_name(ctx=owner, name="other")
    outsider = world.person("member", project_role=None)
    with pytest.raises(e.NotFound):
        world.selector.by_name(ctx=outsider, name="Churn")
