"""`@idempotent`: the HTTP side of Idempotency-Key (the rules are in domains.shared.idempotency).

A creating handler that clients may retry is decorated below its route; it must answer with
an HttpResponse (`json_response`). The key is scoped to the principal, the operation and the
organisation header, so two clients (or two tenants) never share a key space.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from domains.shared.idempotency import (
    HEADER,
    MAX_KEY_LENGTH,
    IdempotencyStore,
    StoredAnswer,
    check_key,
    fingerprint,
    secret_not_replayed,
)
from domains.shared.web import ORG_HEADER, principal_of, service

REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Content-Type", "ETag", "Location", "Cache-Control")

Handler = Callable[..., HttpResponse]


def idempotency_header() -> dict[str, Any]:
    """The OpenAPI parameter of an operation accepting Idempotency-Key."""
    return {
        "in": "header",
        "name": HEADER,
        "required": False,
        "description": (
            "Retry safely: a repeated request with the same key and body within 24 hours gets"
            " the first answer again (marked Idempotent-Replayed) instead of a second resource."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    }


def idempotent(*, replay: bool = True, resource_field: str = "id") -> Callable[[Handler], Handler]:
    """Honour Idempotency-Key on a creating handler. `replay=False` for an answer holding a
    secret shown once: only the created resource's id is kept, and a retry is told of it."""

    def decorate(view: Handler) -> Handler:
        @functools.wraps(view)
        def handler(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            raw = request.headers.get(HEADER)
            if raw is None:
                return view(request, *args, **kwargs)
            key = check_key(raw)
            scope = _scope(request)
            store: IdempotencyStore = service("idempotency")
            stored = store.claim(
                scope, key, fingerprint(request.method or "", request.path, request.body)
            )
            if stored is not None:
                return _replayed(stored)
            try:
                response = view(request, *args, **kwargs)
            except BaseException:
                store.release(scope, key)
                raise
            if not isinstance(response, HttpResponse):
                store.release(scope, key)
                raise TypeError(f"{view.__name__} must return an HttpResponse to be idempotent")
            if 200 <= response.status_code < 300:
                store.complete(scope, key, _answer(response, replay, resource_field))
            else:
                store.release(scope, key)
            return response

        # ninja reads the handler's signature to parse the request: give it the view's, with
        # its annotations resolved where they were written (this module cannot resolve them).
        handler.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
        return handler

    return decorate


def _scope(request: HttpRequest) -> str:
    principal = principal_of(request)
    actor = f"apikey:{principal.api_key_id}" if principal.api_key_id else principal.user_id
    tenant = request.headers.get(ORG_HEADER, "")
    return f"{actor} {request.method} {request.path} {tenant}"


def _answer(response: HttpResponse, replay: bool, resource_field: str) -> StoredAnswer:
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    try:
        resource_id = json.loads(response.content).get(resource_field)
    except (ValueError, AttributeError):
        resource_id = None
    return StoredAnswer(
        status=response.status_code,
        body=bytes(response.content) if replay else None,
        headers=headers,
        resource_id=str(resource_id) if resource_id is not None else None,
    )


def _replayed(stored: StoredAnswer) -> HttpResponse:
    if stored.body is None:
        raise secret_not_replayed(stored.resource_id)
    response = HttpResponse(stored.body, status=stored.status)
    for name, value in stored.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response
