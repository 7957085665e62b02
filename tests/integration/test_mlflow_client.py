"""The unchanged MLflow client (mlflow-skinny 2.x) against our server on a real port: the
issue's script (experiment, run, params, 1,000 metrics in one log_batch, tags, end, search,
metric history, a registered model version and an alias), plus what the client makes of our
errors (MlflowException with MLflow's error codes)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.mlflow_rig import FEATURES, Tenant, new_tenant, serving
from tests.integration.served import served_container

if TYPE_CHECKING:
    from mlflow import MlflowClient

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from nexus.embedded import moto_server_process

    with moto_server_process() as url:
        yield url


@pytest.fixture
def base_url(moto_endpoint, monkeypatch, settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    served = contextmanager(served_container)
    stack = served(monkeypatch, moto_endpoint, FEATURES, NEXUS_S3_ENDPOINT=moto_endpoint)
    with stack, serving() as url:
        yield url


@pytest.fixture
def tenant(base_url) -> Tenant:  # type: ignore[no-untyped-def]
    return new_tenant(uuid.uuid4().hex[:8])


@pytest.fixture
def client(base_url, tenant, monkeypatch) -> MlflowClient:  # type: ignore[no-untyped-def]
    """The tracking URI names the project; the API key is the token (its org is implied).
    mlflow (the dev extra) is imported here, not at collection: it takes 2.5 s to import."""
    mlflow = pytest.importorskip("mlflow")
    from mlflow import MlflowClient

    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", tenant.api_key)
    uri = f"{base_url}/mlflow/projects/{tenant.project_id}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


@pytest.mark.filterwarnings("ignore:.*transition_model_version_stage.*:FutureWarning")
def test_the_issue_script_through_the_unchanged_client(client: MlflowClient) -> None:
    import mlflow
    from mlflow.entities import Metric, Param, RunTag
    from mlflow.exceptions import MlflowException

    experiment_id = mlflow.create_experiment("churn-mlflow", tags={"team": "vision"})
    by_name = mlflow.get_experiment_by_name("churn-mlflow")
    assert by_name is not None and by_name.experiment_id == experiment_id
    mlflow.set_experiment("churn-mlflow")  # found by name, not created again

    with mlflow.start_run(run_name="baseline") as active:
        run_id = active.info.run_id
        mlflow.log_params({"lr": "0.01", "depth": 6})
        now = int(time.time() * 1000)
        points = [Metric("loss", 1.0 / (s + 1), now + s, s) for s in range(1000)]
        client.log_batch(run_id, metrics=points)
        mlflow.set_tags({"stage": "dev", "owner": "ml"})
    other = client.create_run(experiment_id, run_name="worse")
    client.log_batch(
        other.info.run_id,
        metrics=[Metric("loss", 5.0, now, 0)],
        params=[Param("lr", "0.1")],
        tags=[RunTag("stage", "dev")],
    )

    run = client.get_run(run_id)
    assert run.info.status == "FINISHED" and run.info.end_time is not None
    assert run.info.run_name == "baseline"
    assert run.data.params == {"lr": "0.01", "depth": "6"}
    assert run.data.tags["stage"] == "dev" and run.data.tags["owner"] == "ml"
    assert run.data.metrics == {"loss": pytest.approx(1.0 / 1000)}  # the latest step's

    found = client.search_runs(
        [experiment_id],
        filter_string="metrics.loss < 1 and params.lr = '0.01' and tags.stage = 'dev' "
        "and attributes.status = 'FINISHED'",
    )
    assert [r.info.run_id for r in found] == [run_id]
    ordered = client.search_runs([experiment_id], order_by=["metrics.loss DESC"])
    assert [r.info.run_id for r in ordered] == [other.info.run_id, run_id]

    history = client.get_metric_history(run_id, "loss")
    assert len(history) == 1000
    assert [m.step for m in history] == list(range(1000))
    assert history[10].value == pytest.approx(1.0 / 11) and history[10].timestamp == now + 10

    client.create_registered_model("churn-model")
    version = client.create_model_version("churn-model", f"runs:/{run_id}/model", run_id=run_id)
    assert version.version == "1" and version.status == "READY"
    assert version.source.endswith(f"/{run_id}/artifacts/model")
    client.set_registered_model_alias("churn-model", "champion", "1")
    champion = client.get_model_version_by_alias("churn-model", "champion")
    assert champion.version == "1" and champion.run_id == run_id
    assert champion.aliases == ["champion"]
    model = client.get_registered_model("churn-model")
    assert model.aliases == {"champion": "1"}
    assert [v.version for v in client.search_model_versions("name = 'churn-model'")] == ["1"]
    assert [m.name for m in client.search_registered_models("name LIKE 'churn%'")] == [
        "churn-model"
    ]
    staged = client.transition_model_version_stage("churn-model", "1", "Staging")
    assert staged.current_stage == "Staging"
    client.delete_registered_model_alias("churn-model", "champion")
    with pytest.raises(MlflowException) as gone:
        client.get_model_version_by_alias("churn-model", "champion")
    assert gone.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_experiments_lifecycle_and_errors_the_client_understands(client: MlflowClient) -> None:
    from mlflow.entities import Param, ViewType
    from mlflow.exceptions import MlflowException

    experiment_id = client.create_experiment("lifecycle")
    with pytest.raises(MlflowException) as taken:
        client.create_experiment("lifecycle")
    assert taken.value.error_code == "RESOURCE_ALREADY_EXISTS"
    client.rename_experiment(experiment_id, "lifecycle-2")
    client.set_experiment_tag(experiment_id, "purpose", "tests")
    got = client.get_experiment(experiment_id)
    assert got.name == "lifecycle-2" and got.tags["purpose"] == "tests"
    client.delete_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "deleted"
    deleted = client.search_experiments(view_type=ViewType.DELETED_ONLY)
    assert [x.experiment_id for x in deleted] == [experiment_id]
    client.restore_experiment(experiment_id)
    active = client.search_experiments(filter_string="name = 'lifecycle-2'")
    assert [x.experiment_id for x in active] == [experiment_id]

    with pytest.raises(MlflowException) as missing:
        client.get_run("01HZZZZZZZZZZZZZZZZZZZZZZZ")
    assert missing.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    run = client.create_run(experiment_id)
    client.log_param(run.info.run_id, "lr", "0.1")
    with pytest.raises(MlflowException) as immutable:
        client.log_param(run.info.run_id, "lr", "0.2")
    assert immutable.value.error_code == "INVALID_PARAMETER_VALUE"
    client.set_tag(run.info.run_id, "t", "v")
    client.delete_tag(run.info.run_id, "t")
    client.log_metric(run.info.run_id, "acc", 0.5, step=3)
    got_run = client.get_run(run.info.run_id)
    assert "t" not in got_run.data.tags and got_run.data.metrics == {"acc": 0.5}
    client.log_batch(run.info.run_id, params=[Param(f"p{i}", "v") for i in range(150)])
    assert len(client.get_run(run.info.run_id).data.params) == 151  # the client sends 100s


def test_a_bad_token_is_unauthenticated(client: Any, base_url, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "nxk_not-a-key")
    bad = MlflowClient(tracking_uri=f"{base_url}/mlflow")
    with pytest.raises(MlflowException) as refused:
        bad.get_experiment_by_name("anything")
    assert refused.value.error_code == "UNAUTHENTICATED"
