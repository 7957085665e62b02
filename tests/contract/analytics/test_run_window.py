"""The RunWindow port's two backends: the in-memory fake, and DynamoRunWindow over moto with
`agent-execution-history`, its runs written as the runs context writes them (its own
repository's items). [start, end) by started_at, oldest first, across days and pages, one
organisation only."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from adapters.dynamodb.agents.runs import DynamoRunsUnitOfWork
from adapters.dynamodb.analytics.runs import DynamoRunWindow
from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import encode_item
from adapters.dynamodb.cursor import CursorSigner
from domains.agents.runs.model import AgentRun
from domains.analytics.execution import RunFact
from domains.shared.ids import id_at, new_id
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.fakes.rollups import InMemoryRunWindow

TABLES = (table_def("agent-execution-history"),)
ORG, OTHER = new_id(), new_id()
T0 = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)


class Backend:
    """Logs a run in one backend, returns what the window should read back."""

    def __init__(self, window: Any, put: Any) -> None:
        self.window = window
        self.put = put


@pytest.fixture(scope="module")
def moto_runs() -> Iterator[tuple[Any, DynamoClient]]:
    with moto_tables(TABLES, environment="runwindow") as made:
        yield made


def _agent_run(org_id: str, fact: RunFact) -> AgentRun:
    return AgentRun(
        org_id=org_id,
        agent_id=fact.agent_id,
        id=fact.run_id,
        project_id=new_id(),
        user_id=fact.user_id,
        actor=fact.user_id,
        status=fact.status,
        started_at=fact.started_at,
        logged_at=fact.started_at + timedelta(minutes=1),
        duration_ms=fact.duration_ms,
        agent_version=int(fact.version) if fact.version else None,
        model=fact.model,
        tokens_in=fact.tokens_in,
        tokens_out=fact.tokens_out,
        cost=fact.cost,
        inputs={"text": "x" * 6000},  # big items: a day's Query takes more than one page
    )


@pytest.fixture(params=["memory", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "memory":
        fake = InMemoryRunWindow()
        return Backend(fake, fake.log)
    boto, client = request.getfixturevalue("moto_runs")
    empty_tables(boto, client, TABLES)
    pages = client.query

    def query(table: str, **kwargs: Any) -> Any:
        page = pages(table, **kwargs)
        calls.append(bool(page.get("LastEvaluatedKey")))
        return page

    calls: list[bool] = []
    client.query = query  # type: ignore[method-assign]
    request.addfinalizer(lambda: setattr(client, "query", pages))
    uow = DynamoRunsUnitOfWork(
        client,
        cursors=CursorSigner(b"run-window-contract-secret-0001"),
        offloader=None,
        audit_retention_days=30,
    )

    def put(org_id: str, fact: RunFact) -> None:
        item = uow.runs.to_item(_agent_run(org_id, fact))
        client.put_item("agent-execution-history", Item=encode_item(item))

    backend = Backend(DynamoRunWindow(client), put)
    backend.pages = calls  # type: ignore[attr-defined]
    return backend


def _fact(rng: random.Random, started: datetime) -> RunFact:
    return RunFact(
        run_id=id_at(int(started.timestamp() * 1000)),
        agent_id=new_id(),
        user_id=new_id(),
        version=str(rng.randint(1, 3)),
        status=rng.choice(["succeeded", "failed"]),
        started_at=started,
        duration_ms=rng.choice([None, rng.randrange(10_000)]),
        tokens_in=rng.randrange(1000),
        tokens_out=rng.randrange(1000),
        cost=Decimal(rng.randrange(10**6)) / Decimal(10**12),
        model="m",
    )


def test_a_window_reads_its_runs_oldest_first_across_days_and_pages(backend) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(11)
    moments = [T0 + timedelta(minutes=7 * n, milliseconds=rng.randrange(1000)) for n in range(700)]
    facts = [_fact(rng, at) for at in moments]
    for fact in facts:
        backend.put(ORG, fact)
    backend.put(OTHER, _fact(rng, T0 + timedelta(hours=1)))
    start, end = T0 + timedelta(hours=1), T0 + timedelta(days=2, hours=3)
    expected = sorted((f for f in facts if start <= f.started_at < end), key=lambda f: f.started_at)
    found = list(backend.window.runs_between(ORG, start, end))
    assert found == expected and len(found) > 400
    if hasattr(backend, "pages"):  # 3 days touched, at least one of them read in two pages
        assert len(backend.pages) > 3 and any(backend.pages)
    edge = facts[100].started_at
    assert list(backend.window.runs_between(ORG, edge, edge)) == []
    assert list(backend.window.runs_between(ORG, edge, edge + timedelta(milliseconds=1))) == [
        facts[100]
    ]
    assert [r.run_id for r in backend.window.runs_between(OTHER, T0, end)] != []
    assert list(backend.window.runs_between(new_id(), T0, end)) == []
