"""A purge lists the memberships it deletes with consistent reads: an eventually consistent
Query could list again a member the last chunk deleted, and count them out twice. (moto is
always consistent, so this reads what the calls asked for from the client's records.)"""

from __future__ import annotations

from adapters.dynamodb.capacity import query_read_units
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.projects.members import PURGE_CHUNK
from adapters.dynamodb.projects.uow import DynamoProjectsUnitOfWork
from domains.shared.ids import new_id
from tests.contract.moto_tables import empty_tables, moto_tables
from tests.contract.projects.conftest import TABLES
from tests.contract.projects.factories import member, workspace


def test_a_purge_queries_with_consistent_reads() -> None:
    with moto_tables(TABLES, environment="purge") as (boto, client):
        empty_tables(boto, client, TABLES)

        def uow() -> DynamoProjectsUnitOfWork:
            cursors = CursorSigner(b"purge-test-cursor-secret-0123456789")
            return DynamoProjectsUnitOfWork(
                client, cursors=cursors, offloader=None, audit_retention_days=30
            )

        ws = workspace(new_id())
        joined = [member("workspace", ws.org_id, ws.id) for _ in range(PURGE_CHUNK + 5)]
        with uow() as writing:
            writing.workspaces.add(ws)
            writing.commit()
            for start in range(0, len(joined), 40):
                for m in joined[start : start + 40]:
                    writing.workspace_members.add(m, count=False)
                writing.commit()
        with client.recorder.capture() as calls, uow() as purging:
            purging.workspace_members.purge(ws.org_id, ws.id)
        queries = [c for c in calls if c.operation == "Query"]
        assert len(queries) == 3  # two chunks, then an empty listing
        assert queries[-1].read_units == query_read_units([], consistent=True) == 1.0
        assert query_read_units([], consistent=False) == 0.5
