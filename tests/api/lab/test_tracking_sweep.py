"""The tracking operations under the sweeps' rules, with ai_lab on (the suite-wide sweeps run
without it): another organisation's header is 404, a missing header is 422 naming it."""

from __future__ import annotations

from typing import Any

from tests.api.openapi_bodies import ORG_HEADER, PLACEHOLDER, valid_body
from tests.api.test_cross_tenant_sweep import _concrete

TRACKING_OPERATIONS = 13  # header-scoped, under /api/experiments


def _operations(http: Any) -> Any:
    spec = http.get("/api/openapi.json").json()
    for path, item in spec["paths"].items():
        if path.startswith("/api/experiments"):
            for method, operation in item.items():
                yield method.upper(), path, valid_body(spec, method.upper(), path, operation)


def test_other_organisations_are_404_and_the_header_is_required(signup, http, stack):  # type: ignore[no-untyped-def]
    ada, eve = signup("ada", org=True), signup("eve", org=True)
    swept = 0
    for method, path, body in _operations(http):
        foreign = eve.call(method, _concrete(path, ada.org_id), body, **{ORG_HEADER: ada.org_id})
        assert foreign.status_code == 404, (method, path, body, foreign.content)
        bare = ada.call(method, PLACEHOLDER.sub("01ARZ3NDEKTSV4RRFFQ69G5FAV", path), body)
        assert bare.status_code == 422, (method, path, bare.content)
        assert bare.json()["errors"][0]["loc"] == ["header", ORG_HEADER], (method, path)
        swept += 1
    assert swept == TRACKING_OPERATIONS
