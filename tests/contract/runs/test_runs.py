"""Contract: the run repository (a run read back whole and by its id alone; an agent's runs
newest first across pages, by status, version, user and start; the Idempotency-Key record
written with its run and refused twice; expired runs left out of every read)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domains.agents.runs.model import RETENTION, AgentRun, RunError, RunReplay, RunStep, utc
from domains.agents.runs.ports import ReplayTaken, RunFilter
from domains.shared.ids import id_at, new_id
from domains.shared.pagination import PageRequest

from .conftest import Backend

ORG, OTHER, AGENT = new_id(), new_id(), new_id()


def run(n: int = 0, *, ago: timedelta = timedelta(hours=1), **extra: Any) -> AgentRun:
    started = utc(datetime.now(UTC) - ago + timedelta(minutes=n))
    fields: dict[str, Any] = {
        "org_id": ORG,
        "agent_id": AGENT,
        "id": id_at(int(started.timestamp() * 1000)),
        "project_id": "P1",
        "user_id": "ada",
        "actor": "ada",
        "status": "succeeded",
        "started_at": started,
        "logged_at": started + timedelta(seconds=3),
        "finished_at": started + timedelta(seconds=2),
        "duration_ms": 2000,
        **extra,
    }
    return AgentRun(**fields)


def write(backend: Backend, change: Callable[[Any], None]) -> None:
    with backend() as uow:
        change(uow)
        uow.commit()


def read(backend: Backend, query: Callable[[Any], Any]) -> Any:
    with backend() as uow:
        return query(uow)


def listed(backend: Backend, limit: int = 100, **where: Any) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = read(
            backend,
            lambda uow, at=cursor: uow.runs.list(
                ORG, AGENT, page=PageRequest(limit, at), where=RunFilter(**where)
            ),
        )
        pages.append([r.id for r in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages


def test_a_run_reads_back_whole_by_its_id_alone(backend: Backend) -> None:
    started = utc(datetime.now(UTC) - timedelta(minutes=5))
    full = run(
        status="failed",
        agent_version=3,
        model="gpt-4o-mini",
        tokens_in=1200,
        tokens_out=350,
        cost=Decimal("0.0042"),
        inputs={"question": "why?", "temperature": 0.1, "n": [1, 2.5, None]},
        outputs="a plain string",
        error=RunError("Timeout", "the tool took too long"),
        steps=(
            RunStep("n1", "succeeded", started, 40, 12, Decimal("0.001")),
            RunStep("n2", "failed", None, None, None, None, RunError("Timeout", "x")),
        ),
    )
    write(backend, lambda uow: uow.runs.add(full))
    assert read(backend, lambda uow: uow.runs.get(ORG, AGENT, full.id)) == full
    summary = replace(full, inputs=None, outputs=None, steps=())
    page = read(
        backend, lambda uow: uow.runs.list(ORG, AGENT, page=PageRequest(5), where=RunFilter())
    )
    assert list(page.items) == [summary]  # lists leave the payload out
    assert read(backend, lambda uow: uow.runs.get(OTHER, AGENT, full.id)) is None
    assert read(backend, lambda uow: uow.runs.get(ORG, new_id(), full.id)) is None
    bare = run(1, status="running", finished_at=None, duration_ms=None)
    write(backend, lambda uow: uow.runs.add(bare))
    assert read(backend, lambda uow: uow.runs.get(ORG, AGENT, bare.id)) == bare


def test_an_agent_s_runs_newest_first_by_status_version_user_and_start(backend: Backend) -> None:
    made = [
        run(0),
        run(1, status="failed", agent_version=2),
        run(2, user_id="bob", agent_version=2),
        run(3, status="failed", user_id="bob"),
        run(4),
    ]
    elsewhere = [run(5, agent_id=new_id()), run(6, org_id=OTHER)]
    write(backend, lambda uow: [uow.runs.add(r) for r in made + elsewhere])
    ids = [r.id for r in reversed(made)]
    assert listed(backend, limit=2) == [ids[:2], ids[2:4], ids[4:]]
    assert listed(backend) == [ids]
    assert listed(backend, status="failed") == [[made[3].id, made[1].id]]
    assert listed(backend, limit=1, status="failed") == [[made[3].id], [made[1].id]]
    assert listed(backend, agent_version=2) == [[made[2].id, made[1].id]]
    assert listed(backend, user_id="bob", status="failed") == [[made[3].id]]
    window = {"started_from": made[1].started_at, "started_to": made[3].started_at}
    assert listed(backend, **window) == [[made[3].id, made[2].id, made[1].id]]
    assert listed(backend, status="succeeded", **window) == [[made[2].id]]
    assert listed(backend, started_from=made[4].started_at + timedelta(milliseconds=1)) == [[]]


def test_the_idempotency_record_is_written_with_its_run_and_only_once(backend: Backend) -> None:
    first = run(0)
    expires = first.expires_at.replace(microsecond=0)  # the TTL is in whole seconds
    replay = RunReplay(ORG, AGENT, "apikey:K1", "key-1", first.id, "f" * 64, expires)
    write(backend, lambda uow: uow.runs.add(first, replay))
    assert read(backend, lambda uow: uow.runs.get_replay(ORG, AGENT, "apikey:K1", "key-1")) == (
        replay
    )
    assert read(backend, lambda uow: uow.runs.get_replay(ORG, AGENT, "ada", "key-1")) is None
    second = run(1)
    with pytest.raises(ReplayTaken):
        write(backend, lambda uow: uow.runs.add(second, replace_run(replay, second.id)))
    assert read(backend, lambda uow: uow.runs.get(ORG, AGENT, second.id)) is None
    assert listed(backend) == [[first.id]]  # the record is no run


def replace_run(replay: RunReplay, run_id: str) -> RunReplay:
    return RunReplay(
        replay.org_id,
        replay.agent_id,
        replay.actor,
        replay.key,
        run_id,
        replay.fingerprint,
        replay.expires_at,
    )


def test_runs_past_their_expiry_are_left_out(backend: Backend) -> None:
    old = run(ago=RETENTION + timedelta(minutes=5))
    live = run(ago=RETENTION - timedelta(hours=1))
    gone = RunReplay(ORG, AGENT, "ada", "old", old.id, "f" * 64, old.expires_at)
    write(backend, lambda uow: (uow.runs.add(old, gone), uow.runs.add(live)))
    assert read(backend, lambda uow: uow.runs.get(ORG, AGENT, old.id)) is None
    assert read(backend, lambda uow: uow.runs.get_replay(ORG, AGENT, "ada", "old")) is None
    assert listed(backend) == [[live.id]]


def test_the_item_carries_what_the_roll_ups_read_from_gsi2(moto_runs_tables: Any) -> None:
    """DynamoDB only: the attribute names other contexts read (documented in the report)."""
    from adapters.dynamodb.agents.runs import DynamoRunsUnitOfWork
    from adapters.dynamodb.codec import decode_item
    from adapters.dynamodb.cursor import CursorSigner
    from tests.contract.moto_tables import empty_tables

    from .conftest import CURSOR_SECRET, TABLES

    boto, client = moto_runs_tables
    empty_tables(boto, client, TABLES)
    made = run(agent_version=4, model="m", tokens_in=7, tokens_out=3, cost=Decimal("0.5"))
    uow = DynamoRunsUnitOfWork(
        client, cursors=CursorSigner(CURSOR_SECRET), offloader=None, audit_retention_days=30
    )
    write(lambda: uow, lambda u: u.runs.add(made))
    day = f"{made.started_at:%Y-%m-%d}"
    [raw] = client.query(
        "agent-execution-history",
        IndexName="gsi2",
        KeyConditionExpression="gsi2pk = :p",
        ExpressionAttributeValues={":p": {"S": f"ORG#{ORG}#DAY#{day}"}},
    )["Items"]
    item = decode_item(raw)
    assert {k: item[k] for k in ("status", "duration_ms", "tokens_in", "tokens_out")} == {
        "status": "succeeded",
        "duration_ms": 2000,
        "tokens_in": 7,
        "tokens_out": 3,
    }
    assert item["cost"] == Decimal("0.5") and item["agent_version"] == 4
    assert (item["user_id"], item["agent_id"], item["project_id"]) == ("ada", AGENT, "P1")
    assert item["started_at"] == made.started_at and "version" not in item
    assert item["gsi4pk"].startswith(f"EXPIRES#{made.expires_at:%Y-%m-%d}#")
    assert item["expires_at"] == int(made.expires_at.timestamp())
