"""make bench: round trips through the API and a repository against the raw boto3 calls
they need (ratios measured in one run), and DynamoDB calls and capacity units per operation.

Runs against the embedded endpoint (moto's server on a free loopback port), like `make dev`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _start_endpoint() -> object:
    from nexus.embedded import start_moto_server

    server, endpoint = start_moto_server()
    os.environ.update(
        NEXUS_DYNAMODB_ENDPOINT=endpoint,
        NEXUS_ENVIRONMENT="dev",
        NEXUS_TABLE_PREFIX="bench",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        DJANGO_SETTINGS_MODULE="nexus.settings",
    )
    return server


def timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    """Median and p95 latency in milliseconds over n calls, after a warm-up."""
    for _ in range(max(5, n // 10)):
        fn()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> int:
    server = _start_endpoint()
    import django

    django.setup()
    from bench.scenarios import Bench

    bench = Bench.build()
    n = int(os.environ.get("NEXUS_BENCH_N", "300"))
    print(f"Nexus bench against moto's server over HTTP ({n} calls per measurement)\n")
    print(f"{'round trip':<44}{'median ms':>10}{'p95 ms':>10}{'ratio':>8}")
    for name, ours, raw in bench.round_trips():
        ours_med, ours_p95 = timed(ours, n)
        raw_med, raw_p95 = timed(raw, n)
        print(f"{name:<44}{ours_med:>10.2f}{ours_p95:>10.2f}{ours_med / raw_med:>8.2f}")
        print(f"{'  raw boto3 call it needs':<44}{raw_med:>10.2f}{raw_p95:>10.2f}{1.0:>8.2f}")
    print(f"\n{'operation':<44}{'calls':>6}{'RCU':>9}{'WCU':>9}  calls made")
    for name, records in bench.operations():
        reads = sum(r.read_units for r in records)
        writes = sum(r.write_units for r in records)
        made = ", ".join(
            f"{r.operation}({r.table}{'/' + r.index if r.index else ''})" for r in records
        )
        print(f"{name:<44}{len(records):>6}{reads:>9.1f}{writes:>9.1f}  {made}")
    server.stop()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
