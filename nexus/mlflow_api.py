"""The second NinjaAPI, at /mlflow/: MLflow's tracking REST API (domains/lab/mlflow) for the
unchanged MLflow client. Its own instance, so its error shape (MLflow's `error_code` and
`message`) and its body-borne ids stay out of /api's contract and its OpenAPI sweeps; it
has no OpenAPI document of its own. Credentials as on /api (REQUEST_AUTH): an organisation
API key as the bearer token is the way (`MLFLOW_TRACKING_TOKEN=nxk_...`)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from domains.lab.mlflow import api as mlflow_routes
from domains.lab.mlflow.wire import INVALID, error_body, error_of
from domains.shared import errors as e
from nexus import __version__
from nexus.security import REQUEST_AUTH

log = logging.getLogger(__name__)

mlflow_api = NinjaAPI(
    title="Nexus Workbench MLflow tracking API",
    version=__version__,
    urls_namespace="mlflow",
    docs_url=None,
    openapi_url=None,
    auth=REQUEST_AUTH,
)
mlflow_api.add_router("/", mlflow_routes.router)


def _answer(status: int, code: str, message: str) -> HttpResponse:
    return JsonResponse(error_body(code, message), status=status)


def _domain_error(request: HttpRequest, exc: e.DomainError) -> HttpResponse:
    status, body = error_of(exc)
    if status >= 500:
        log.error("mlflow call answered %s: %s", status, exc, exc_info=exc)
    response = JsonResponse(body, status=status)
    if isinstance(exc, e.Throttled | e.Unavailable):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _answer(401, "UNAUTHENTICATED", "an organisation API key (nxk_...) as the bearer")
    response["WWW-Authenticate"] = "Bearer"
    return response


def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _answer(400, INVALID, "the request is not valid")


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _answer(exc.status_code, "INTERNAL_ERROR", str(exc.message))


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unhandled error in an mlflow call", exc_info=exc)
    return _answer(500, "INTERNAL_ERROR", "an unexpected error occurred")


mlflow_api.add_exception_handler(e.DomainError, _domain_error)
mlflow_api.add_exception_handler(AuthenticationError, _auth_error)
mlflow_api.add_exception_handler(NinjaValidationError, _validation_error)
mlflow_api.add_exception_handler(HttpError, _http_error)
mlflow_api.add_exception_handler(Exception, _unexpected)
