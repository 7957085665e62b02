"""Promotions to production racing: whoever wins, a model ends with exactly one production
version, the STAGE#production pointer names it, and every other version that was promoted
on the way was archived by the promotion that replaced it.

The threaded rounds go through the API over moto's server in its own process answering one
request at a time (so, as on DynamoDB, each transaction is atomic; moto in-process is not
across threads). The interleaving test decides the race by hand over moto in-process: two
units of work read the same pointer, the first commits, the second is refused.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from adapters.dynamodb.bootstrap import create_missing
from adapters.dynamodb.catalog import tables_for
from adapters.dynamodb.lab.registry import DynamoRegistryUnitOfWork
from domains.lab.registry.model import PRODUCTION, StagePointer
from domains.shared.errors import Conflict
from nexus.config import load_config
from nexus.container import build_container, set_container

PASSWORD = "correct horse battery 9"
FEATURES = ("project_management", "ai_lab")
VERSION = {"artifact_uri": "s3://models/race/1"}


@pytest.fixture(scope="module")
def serial_endpoint():  # type: ignore[no-untyped-def]
    from nexus.embedded import moto_server_process

    with moto_server_process(serialised=True) as url:
        yield url


@pytest.fixture
def server_stack(serial_endpoint, monkeypatch, settings):  # type: ignore[no-untyped-def]
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-2",
    }.items():
        monkeypatch.setenv(name, value)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cfg = replace(
        load_config(),
        dynamodb_endpoint=serial_endpoint,
        s3_endpoint=serial_endpoint,
        is_aws=False,
        features=FEATURES,
        environment="regrace",
    )
    built = build_container(cfg)
    create_missing(built.gateways.dynamo(), tables_for(cfg.features))
    built.gateways.object_store().ensure_bucket()
    previous = set_container(built)
    yield built
    set_container(previous)


def _post(http: Client, path: str, body: Any, headers: dict[str, str]) -> Any:
    response = http.post(path, body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    return response.json()


def _owner(http: Client, tag: str) -> dict[str, str]:
    email = f"promoter-{tag}@example.com"
    body = {"email": email, "password": PASSWORD, "display_name": "Promoter"}
    http.post("/api/auth/register", body, content_type="application/json")
    tokens = http.post(
        "/api/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json"
    ).json()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    org = _post(http, "/api/organizations", {"name": "Race org"}, auth)
    return {**auth, "HTTP_X_ORGANIZATION_ID": org["id"]}


def _model(http: Client, headers: dict[str, str], name: str, versions: int) -> str:
    ws = _post(http, "/api/workspaces", {"name": f"ws {name}"}, headers)
    project = _post(http, f"/api/workspaces/{ws['id']}/projects", {"name": name}, headers)
    body = {
        "name": name,
        "task": "classification",
        "framework": "xgboost",
        "project_id": project["id"],
        "version": VERSION,
    }
    model_id: str = _post(http, "/api/models/registry", body, headers)["model"]["id"]
    for _ in range(versions - 1):
        _post(http, f"/api/models/{model_id}/versions", VERSION, headers)
    return model_id


def _promote_at_once(model_id: str, numbers: list[int], headers: dict[str, str]) -> dict[int, int]:
    barrier, codes = threading.Barrier(len(numbers)), {}

    def promote(number: int) -> None:
        barrier.wait()
        response = Client().put(
            f"/api/models/{model_id}/versions/{number}/stage",
            {"stage": "production"},
            content_type="application/json",
            **headers,
        )
        codes[number] = response.status_code

    threads = [threading.Thread(target=promote, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


@pytest.mark.parametrize("rounds", [3])
def test_racing_promotions_leave_exactly_one_production_version(server_stack, rounds) -> None:  # type: ignore[no-untyped-def]
    http = Client()
    headers = _owner(http, str(id(server_stack)))
    refused = 0
    for round_ in range(rounds):
        model_id = _model(http, headers, f"race-{round_}", versions=4)
        if round_ % 2:  # a production version exists: the pointer moves from it
            first = http.put(
                f"/api/models/{model_id}/versions/4/stage",
                {"stage": "production"},
                content_type="application/json",
                **headers,
            )
            assert first.status_code == 200
        codes = _promote_at_once(model_id, [1, 2, 3], headers)
        assert set(codes.values()) <= {200, 409} and 200 in codes.values(), codes
        refused += sum(1 for code in codes.values() if code != 200)
        detail = http.get(f"/api/models/{model_id}", **headers).json()
        stages = {v["version"]: v["stage"] for v in detail["versions"]}
        production = [n for n, s in stages.items() if s == "production"]
        assert len(production) == 1 and detail["production_version"] == production[0], stages
        promoted = {n for n, code in codes.items() if code == 200} | ({4} if round_ % 2 else set())
        archived = {n for n, s in stages.items() if s == "archived"}
        assert archived == promoted - set(production), (codes, stages)
        assert all(stages[n] == "none" for n in set(stages) - promoted), (codes, stages)
    print(f"\n{rounds} rounds of 3 racing promotions: {refused} refused (409)")


def test_the_pointer_refuses_a_promotion_decided_on_a_stale_read(make_stack) -> None:  # type: ignore[no-untyped-def]
    """Both read the pointer absent; the second to commit is refused, whatever it staged."""
    built = make_stack(("ai_lab",))
    uow_of = built.lab_registry.uow
    at = datetime(2026, 1, 1, tzinfo=UTC)

    def pointer(number: int, version: int = 0) -> StagePointer:
        return StagePointer("01ORG", "01MODEL", PRODUCTION, number, at, version)

    first, second = uow_of()(), uow_of()()
    assert isinstance(first, DynamoRegistryUnitOfWork)
    with first, second:
        read_first = first.stages.get("01ORG", "01MODEL", PRODUCTION)
        read_second = second.stages.get("01ORG", "01MODEL", PRODUCTION)
        assert read_first is None and read_second is None
        first.stages.move(pointer(1), previous=read_first)
        second.stages.move(pointer(2), previous=read_second)
        first.commit()
        with pytest.raises(Conflict):
            second.commit()
    with uow_of()() as third, uow_of()() as fourth:
        held = third.stages.get("01ORG", "01MODEL", PRODUCTION)
        assert held is not None and held.number == 1
        third.stages.move(pointer(3, held.version), previous=held)
        fourth.stages.move(pointer(4, held.version), previous=held)
        third.commit()
        with pytest.raises(Conflict):
            fourth.commit()
        fourth.stages.remove(held)  # held what it read: the pointer moved on since
        with pytest.raises(Conflict):
            fourth.commit()
    with uow_of()() as reader:
        final = reader.stages.get("01ORG", "01MODEL", PRODUCTION)
    assert final is not None and final.number == 3
