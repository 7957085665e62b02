"""make bench: round trips through the API and a repository against the raw boto3 calls
they need (ratios measured in one run), and DynamoDB calls and capacity units per operation.

Runs against the embedded endpoint (moto's server on a free loopback port), like `make dev`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

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


def _elapsed_ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def paired(ours: Callable[[], object], raw: Callable[[], object], n: int) -> list[list[float]]:
    """Latencies of both, interleaved call by call so drift hits both alike (after warm-up)."""
    for _ in range(max(5, n // 10)):
        ours(), raw()
    samples: list[list[float]] = [[], []]
    for _ in range(n):
        samples[0].append(_elapsed_ms(ours))
        samples[1].append(_elapsed_ms(raw))
    return [sorted(s) for s in samples]


def _p(samples: list[float], q: float) -> float:
    return samples[min(len(samples) - 1, int(len(samples) * q))]


def print_operations(title: str, operations: Iterable[tuple[str, list[Any]]]) -> None:
    """One table of operations: DynamoDB calls, read and write units, and the calls made."""
    print(f"\n{title:<46}{'calls':>6}{'RCU':>9}{'WCU':>9}  calls made")
    for name, records in operations:
        reads = sum(r.read_units for r in records)
        writes = sum(r.write_units for r in records)
        made = ", ".join(
            f"{r.operation}({r.table}{'/' + r.index if r.index else ''})" for r in records
        )
        print(f"{name:<46}{len(records):>6}{reads:>9.1f}{writes:>9.1f}  {made}")


def _print_usage(container: object) -> None:
    from bench.usage import usage_lines

    events = int(os.environ.get("NEXUS_BENCH_USAGE_EVENTS", "10000"))
    print(
        f"\n{'usage pipeline (Redis buffer -> DynamoDB)':<46}{'events/s':>10}{'writes/1k ev':>14}"
    )
    for line in usage_lines(container, events):  # type: ignore[arg-type]
        print(f"{line.name:<46}{line.per_second:>10.0f}{line.writes_per_thousand:>14.1f}")


def _print_runs(bench: object) -> None:
    """The execution history: logging a run and reading a page (feature agent_builder)."""
    from bench.runs import RunsBench
    from nexus.config import config

    projects = getattr(bench, "projects", None)
    if projects is None or "agent_builder" not in config().features:
        return
    runs = RunsBench(
        bench.container,  # type: ignore[attr-defined]
        bench.http,  # type: ignore[attr-defined]
        projects.headers,
        projects.project_ids[0],
    )
    print_operations("agent runs", runs.operations())


def _print_tracking(bench: object) -> None:
    """Metric points through the API into packed buckets (feature ai_lab)."""
    from bench.tracking import TrackingBench
    from nexus.config import config

    projects = getattr(bench, "projects", None)
    if projects is None or "ai_lab" not in config().features:
        return
    points = int(os.environ.get("NEXUS_BENCH_METRIC_POINTS", "10000"))
    tracking = TrackingBench(
        bench.container,
        bench.http,
        projects.headers,
        projects.project_ids[0],  # type: ignore[attr-defined]
    )
    print(
        f"\n{'metric points (packed buckets)':<46}{'points/s':>10}{'WCU/1k pts':>12}"
        f"{'all WCU/1k':>12}{'RCU':>8}"
    )
    for line in tracking.lines(points, single=min(points, 500)):
        print(
            f"{line.name:<46}{line.per_second:>10.0f}{line.writes_per_thousand:>12.1f}"
            f"{line.all_writes_per_thousand:>12.1f}{line.read_units:>8.1f}"
        )


def _print_logs(bench: object) -> None:
    """Experiment run logs: posting 100 lines and tail reads (feature ai_lab)."""
    from bench.logs import LogsBench
    from nexus.config import config

    projects = getattr(bench, "projects", None)
    if projects is None or "ai_lab" not in config().features:
        return
    logs = LogsBench(
        bench.container,  # type: ignore[attr-defined]
        bench.http,  # type: ignore[attr-defined]
        projects.headers,
        projects.project_ids[0],
    )
    print_operations("experiment run logs", logs.operations())


def _print_mlflow(bench: object) -> None:
    """The same metric workload through the unchanged MLflow client (/mlflow) and through our
    REST API, both over HTTP to the app on a loopback port (feature ai_lab, mlflow-skinny)."""
    from nexus.config import config

    if "ai_lab" not in config().features:
        return
    try:
        import mlflow  # noqa: F401
    except ImportError:
        print("\nMLflow client not installed (pip install -e .[dev]): mlflow bench skipped")
        return
    from bench.mlflow_workload import MlflowBench
    from tests.integration.mlflow_rig import serving

    points = int(os.environ.get("NEXUS_BENCH_METRIC_POINTS", "10000"))
    with serving() as base_url:
        mlflow_bench = MlflowBench(bench.container, base_url, points)  # type: ignore[attr-defined]
        print(f"\n{'MLflow client vs our REST API (HTTP)':<46}{'seconds':>10}{'points/s':>10}")
        for line in mlflow_bench.lines():
            print(f"{line.name:<46}{line.seconds:>10.2f}{line.per_second:>10.0f}")
        print_operations("MLflow vs our REST API", mlflow_bench.recorded())


def _print_registry(bench: object) -> None:
    """The model registry through the API (feature ai_lab): a read's ratio to the raw reads
    it needs, then DynamoDB calls and capacity units per operation."""
    from bench.registry import RegistryBench
    from nexus.config import config

    projects = getattr(bench, "projects", None)
    if projects is None or "ai_lab" not in config().features:
        return
    registry = RegistryBench(
        bench.container,  # type: ignore[attr-defined]
        bench.http,  # type: ignore[attr-defined]
        projects.headers,
        projects.project_ids[0],
    )
    n = int(os.environ.get("NEXUS_BENCH_N", "300"))
    print(f"\n{'model registry round trip':<46}{'median ms':>10}{'p95 ms':>10}{'ratio':>8}")
    for name, ours, raw in registry.round_trips():
        mine, theirs = paired(ours, raw, n)
        ratio = statistics.median(mine) / statistics.median(theirs)
        print(f"{name:<46}{statistics.median(mine):>10.2f}{_p(mine, 0.95):>10.2f}{ratio:>8.2f}")
        print(f"{'  raw boto3 calls it needs':<46}{statistics.median(theirs):>10.2f}")
    print_operations("model registry", registry.operations())


def _print_templates(bench: object) -> None:
    """The templates marketplace: listing and using a template (feature agent_builder)."""
    from bench.templates import TemplatesBench
    from nexus.config import config

    projects = getattr(bench, "projects", None)
    if projects is None or "agent_builder" not in config().features:
        return
    templates = TemplatesBench(
        bench.container,  # type: ignore[attr-defined]
        bench.http,  # type: ignore[attr-defined]
        projects.headers,
        projects.project_ids[0],
    )
    print_operations("templates (25 a page)", templates.operations())


def _print_execution(bench: object) -> None:
    """GET /api/analytics/execution over 30 days of roll-ups (features analytics and
    agent_builder): DynamoDB calls, read units and latency per request."""
    from bench.execution import ExecutionBench
    from nexus.config import config

    projects = getattr(bench, "projects", None)
    features = config().features
    if projects is None or "analytics" not in features or "agent_builder" not in features:
        return
    execution = ExecutionBench(
        bench.container,  # type: ignore[attr-defined]
        bench.http,  # type: ignore[attr-defined]
        projects.headers,
        bench.org_id,  # type: ignore[attr-defined]
    )
    print(f"\n{'execution analytics (30 days)':<46}{'calls':>6}{'RCU':>9}{'median ms':>11}  calls")
    for line in execution.lines():
        numbers = f"{line.calls:>6}{line.read_units:>9.1f}{line.median_ms:>11.2f}"
        print(f"{line.name:<46}{numbers}  {line.made}")


def main() -> int:
    server = _start_endpoint()
    import django

    django.setup()
    from bench.scenarios import Bench

    bench = Bench.build()
    n = int(os.environ.get("NEXUS_BENCH_N", "300"))
    print(f"Nexus bench against moto's server over HTTP ({n} calls per measurement)\n")
    print(f"{'round trip':<46}{'median ms':>10}{'p95 ms':>10}{'ratio':>8}")
    for name, ours, raw in bench.round_trips():
        mine, theirs = paired(ours, raw, n)
        ratio = statistics.median(mine) / statistics.median(theirs)
        print(f"{name:<46}{statistics.median(mine):>10.2f}{_p(mine, 0.95):>10.2f}{ratio:>8.2f}")
        print(
            f"{'  raw boto3 call it needs':<46}{statistics.median(theirs):>10.2f}"
            f"{_p(theirs, 0.95):>10.2f}{1.0:>8.2f}"
        )
    print_operations("operation", bench.operations())
    _print_usage(bench.container)
    _print_tracking(bench)
    _print_logs(bench)
    _print_runs(bench)
    _print_execution(bench)
    _print_templates(bench)
    _print_registry(bench)
    _print_mlflow(bench)
    server.stop()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
