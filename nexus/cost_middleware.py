"""Attributes each request's DynamoDB calls to the organisation it acts for, and flushes the
process's cost ledger when due.

The contextvar (domains.shared.attribution) starts empty for every request: sign-in and
anything before the tenant is resolved are the platform's. `tenant_of` sets it once it has
resolved the tenant; this middleware resets it when the request ends, so nothing leaks into
the next request served by the same thread. After the response, a web process whose flush
interval has passed flushes its ledger in a background thread (one at a time), and at exit.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import Any

from domains.shared.attribution import act_for, reset

_registered = threading.Lock()
_at_exit: list[bool] = []


def _flush(*, only_when_due: bool) -> None:
    from nexus.tasks_cost import flush_quietly

    flush_quietly(only_when_due=only_when_due)


def _register_exit_flush() -> None:
    with _registered:
        if not _at_exit:
            atexit.register(_flush, only_when_due=False)
            _at_exit.append(True)


class CostAttributionMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        _register_exit_flush()

    def __call__(self, request: Any) -> Any:
        token = act_for(None)
        try:
            return self.get_response(request)
        finally:
            reset(token)
            self._flush_when_due()

    @staticmethod
    def _flush_when_due() -> None:
        from nexus.container import container

        try:
            flusher = container().costs.flusher()
        except Exception:  # no store configured: nothing to flush
            return
        if flusher.due():
            threading.Thread(target=_flush, kwargs={"only_when_due": True}, daemon=True).start()
