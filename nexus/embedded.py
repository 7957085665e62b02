"""moto's server as an embedded DynamoDB + S3 (+ KMS, STS, IAM) endpoint on loopback."""

from __future__ import annotations

import contextlib
import socket
import time
import urllib.request
from collections.abc import Iterator
from typing import Any


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _serial_server_class() -> Any:
    """ThreadedMotoServer answering one request at a time: its serving thread runs a
    single-threaded werkzeug server (moto's own entry, with `threaded` off)."""
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from moto.server import ThreadedMotoServer
    from werkzeug.serving import make_server

    class SerialMotoServer(ThreadedMotoServer):  # type: ignore[misc]
        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            self._server = make_server(
                self._ip_address, self._port, app, False, request_handler=MotoRequestHandler
            )
            self._server_ready_event.set()
            self._server.serve_forever()

    return SerialMotoServer


def start_moto_server(
    host: str = "127.0.0.1", port: int | None = None, *, serialised: bool = False
) -> tuple[Any, str]:
    """Start moto's ThreadedMotoServer on a free loopback port; return (server, endpoint_url).
    `serialised`: one request at a time, so concurrent conditional writes race as on
    DynamoDB (moto's threaded server can let two writers of one version through).

    Stop it with `server.stop()`. `POST <endpoint>/moto-api/reset` clears all state.
    """
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise

    server_class = _serial_server_class() if serialised else ThreadedMotoServer
    last_error: Exception | None = None
    for _ in range(5):
        chosen = port or free_port(host)
        server = server_class(ip_address=host, port=chosen, verbose=False)
        try:
            server.start()
        except OSError as exc:  # port taken between probe and bind
            last_error = exc
            if port:
                raise
            continue
        url = f"http://{host}:{chosen}"
        _wait_until_up(url)
        return server, url
    raise RuntimeError(f"could not start moto server: {last_error}")


def _wait_until_up(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def reset_moto(url: str) -> None:
    req = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(req, timeout=5):
        pass


@contextlib.contextmanager
def moto_server(host: str = "127.0.0.1", port: int | None = None) -> Iterator[str]:
    """Context manager yielding the endpoint URL of a fresh moto server."""
    server, url = start_moto_server(host, port)
    try:
        yield url
    finally:
        server.stop()


# moto's server answers each request on a thread of its own, and its conditional writes are
# not atomic across threads (unlike DynamoDB's); serialised, one request at a time, they are.
_SERIAL_SERVER = """
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication, MotoRequestHandler, create_backend_app,
)
run_simple(sys.argv[1], int(sys.argv[2]), DomainDispatcherApplication(create_backend_app),
           threaded=False, request_handler=MotoRequestHandler)
"""


@contextlib.contextmanager
def moto_server_process(host: str = "127.0.0.1", *, serialised: bool = False) -> Iterator[str]:
    """moto's server in its own process on a free port: its state is isolated from any
    in-process `mock_aws` (which shares, and on exit resets, moto's backends). `serialised`
    answers one request at a time, so concurrent conditional writes race as on DynamoDB:
    exactly one wins (the threaded server can let both through)."""
    import subprocess
    import sys

    port = free_port(host)
    cmd = [sys.executable, "-m", "moto.server", "-H", host, "-p", str(port)]
    if serialised:
        cmd = [sys.executable, "-c", _SERIAL_SERVER, host, str(port)]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://{host}:{port}"
    try:
        _wait_until_up(url, timeout=30.0)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
