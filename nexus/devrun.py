"""`make dev`: the embedded endpoint, the tables, saved data, and the API, stopped by Ctrl-C.

Unless NEXUS_DYNAMODB_ENDPOINT is set, moto's server runs on loopback as the embedded
DynamoDB + S3 endpoint; its tables and objects are saved to NEXUS_DATA_DIR (DynamoDB JSON
export format) at an interval and on shutdown, and loaded at the next start.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from nexus.background import in_process_worker, redis_answers, start_celery, stop_all
from nexus.config import load_config

log = logging.getLogger("nexus.devrun")

REPO = Path(__file__).resolve().parents[1]


def _start_embedded(port: int):  # type: ignore[no-untyped-def]
    from nexus.embedded import start_moto_server

    server, endpoint = start_moto_server(port=port)
    os.environ["NEXUS_DYNAMODB_ENDPOINT"] = endpoint
    os.environ.setdefault("NEXUS_S3_ENDPOINT", endpoint)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    log.info("embedded DynamoDB + S3 endpoint on %s", endpoint)
    return server


def _serve(host: str, port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, str(REPO / "manage.py"), "runserver", f"{host}:{port}", "--noreload"]
    return subprocess.Popen(cmd, env=os.environ.copy())


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    from nexus.dev_store import DevStore

    embedded = None
    if not os.environ.get("NEXUS_DYNAMODB_ENDPOINT"):
        embedded = _start_embedded(int(os.environ.get("NEXUS_EMBEDDED_PORT", "4566")))
    cfg = load_config()
    data_dir = Path(os.environ.get("NEXUS_DATA_DIR", REPO / ".nexus" / "data"))
    store = DevStore(cfg, data_dir=data_dir, work_dir=REPO / ".nexus", persist=embedded is not None)
    store.prepare()
    stop = threading.Event()
    saver = threading.Thread(
        target=store.save_every,
        args=(stop, float(os.environ.get("NEXUS_SNAPSHOT_INTERVAL", "30"))),
        daemon=True,
    )
    saver.start()
    host, port = "127.0.0.1", int(os.environ.get("NEXUS_PORT", "8000"))
    server = _serve(host, port)
    background = _start_background(cfg.redis_url, stop)
    log.info("API on http://%s:%s/api/ (docs /api/docs); Ctrl-C stops everything", host, port)

    def _shutdown(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _shutdown)
    signal.signal(signal.SIGTERM, _shutdown)
    while not stop.is_set() and server.poll() is None:
        stop.wait(0.5)
    code = _stop(server)
    stop_all(background)
    store.save()
    if embedded is not None:
        embedded.stop()
    log.info("stopped")
    return code


def _start_background(redis_url: str, stop: threading.Event) -> list[subprocess.Popen[bytes]]:
    if redis_answers(redis_url):
        log.info("Celery worker and beat on %s", redis_url)
        return start_celery()
    log.info("no Redis at %s: an in-process worker relays events instead", redis_url)
    in_process_worker(stop)
    return []


def _stop(server: subprocess.Popen[bytes]) -> int:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0 if server.returncode in (0, -signal.SIGTERM, None) else server.returncode


if __name__ == "__main__":
    sys.exit(main())
