"""The tenancy sweeps over the registry's operations with the lab on (the suite-wide sweeps
run with the routed features, which leave ai_lab off): every /api/models operation answers
404 for another organisation's header and 422 naming the header when it is missing, with a
body its schema accepts."""

from __future__ import annotations

from domains.shared.ids import new_id
from tests.api.openapi_bodies import ORG_HEADER, PLACEHOLDER, valid_body

PREFIX = "/api/models"


def _registry_operations(http):  # type: ignore[no-untyped-def]
    spec = http.get("/api/openapi.json").json()
    for path, item in spec["paths"].items():
        if path.startswith(PREFIX):
            for method, operation in item.items():
                yield method.upper(), path, valid_body(spec, method.upper(), path, operation)


def test_every_registry_operation_hides_other_organisations(signup, http, crew):  # type: ignore[no-untyped-def]
    from tests.api.lab.registry_helpers import register

    ada, eve = crew["owner"], signup("eve", org=True)
    model_id = register(ada, crew["project"]["id"])["model"]["id"]
    swept = []
    for method, path in {(m, p) for m, p, _ in _registry_operations(http)}:
        body = next(b for m, p, b in _registry_operations(http) if (m, p) == (method, path))
        for model in (model_id, new_id()):
            concrete = PLACEHOLDER.sub(
                lambda m, mid=model: mid if m.group(1) == "id" else "1", path
            )
            response = eve.call(method, concrete, body, **{ORG_HEADER: ada.org_id})
            assert response.status_code == 404, (method, path, body, response.content)
        swept.append((method, path))
    assert len(swept) == 10, sorted(swept)
    assert ada.call("GET", f"{PREFIX}/{model_id}").json()["latest_version"] == 1


def test_every_registry_operation_requires_the_header(crew, http):  # type: ignore[no-untyped-def]
    ada = crew["owner"]
    ada.headers.pop(ORG_HEADER)
    checked = 0
    for method, path, body in _registry_operations(http):
        concrete = PLACEHOLDER.sub("01ARZ3NDEKTSV4RRFFQ69G5FAV", path)
        response = ada.call(method, concrete, body)
        assert response.status_code == 422, (method, path, response.content)
        assert response.json()["errors"][0]["loc"] == ["header", ORG_HEADER]
        checked += 1
    assert checked == 10
