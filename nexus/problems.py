"""The one mapping from domain errors to RFC 9457 problem details."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from domains.shared import errors as e

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"

STATUS_BY_ERROR: tuple[tuple[type[e.DomainError], int], ...] = (
    (e.NotFound, 404),
    (e.Forbidden, 403),
    (e.Unauthenticated, 401),
    (e.PreconditionFailed, 412),
    (e.Conflict, 409),
    (e.ValidationFailed, 422),
    (e.PayloadTooLarge, 413),
    (e.Throttled, 429),
    (e.Unavailable, 503),
)


def status_for(error: e.DomainError) -> int:
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return status
    return 500


def problem(
    status: int,
    title: str,
    detail: str = "",
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    import json

    body: dict[str, Any] = {
        "type": f"https://nexus.dev/problems/{status}",
        "title": title,
        "status": status,
        "detail": detail or title,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _domain_error(request: HttpRequest, exc: e.DomainError) -> HttpResponse:
    status = status_for(exc)
    headers = {}
    if isinstance(exc, e.Throttled | e.Unavailable):
        headers["Retry-After"] = str(exc.retry_after)
    if status >= 500:
        log.error("domain error answered %s: %s", status, exc, exc_info=exc)
    errors = exc.errors if isinstance(exc, e.ValidationFailed) else None
    return problem(status, exc.title, exc.detail, errors=errors, headers=headers)


def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"loc": list(err.get("loc", [])), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors
    ]
    return problem(422, "Validation failed", "the request is not valid", errors=errors)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, str(exc.message), str(exc.message))


def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(401, "Authentication required", headers={"WWW-Authenticate": "Bearer"})


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem(500, "Internal server error", "an unexpected error occurred")


def install(api: NinjaAPI) -> None:
    """Register one handler per error family; ninja finds them along the class hierarchy."""
    api.add_exception_handler(e.DomainError, _domain_error)
    api.add_exception_handler(NinjaValidationError, _validation_error)
    api.add_exception_handler(AuthenticationError, _auth_error)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Exception, _unexpected)
