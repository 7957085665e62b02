"""GET /api/health (what runs) and GET /api/ready (503 naming missing tables)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from adapters.dynamodb.catalog import FEATURES
from nexus import __version__
from nexus.container import container
from nexus.problems import problem

router = Router(tags=["health"])


class FeatureOut(Schema):
    name: str
    enabled: bool
    tables_present: list[str]
    tables_missing: list[str]


class HealthOut(Schema):
    status: str
    version: str
    environment: str
    features: list[FeatureOut]


class ReadyOut(Schema):
    status: str


def _features() -> list[FeatureOut]:
    c = container()
    cfg = c.config()
    by_name = {f.feature: f for f in c.store_status().features()}
    out = [
        FeatureOut(
            name=name,
            enabled=name == "base" or name in cfg.features,
            tables_present=list(by_name[name].present) if name in by_name else [],
            tables_missing=list(by_name[name].missing) if name in by_name else [],
        )
        for name in ("base", *FEATURES)
    ]
    return out


@router.get("/health", response=HealthOut, auth=None, summary="Version, environment, features")
def health(request: HttpRequest) -> HealthOut:
    cfg = container().config()
    return HealthOut(
        status="ok", version=__version__, environment=cfg.environment, features=_features()
    )


@router.get(
    "/ready", response={200: ReadyOut, 503: dict}, auth=None, summary="Tables of enabled features"
)
def ready(request: HttpRequest) -> ReadyOut | HttpResponse:
    missing = [f"{f.name}:{t}" for f in _features() if f.enabled for t in f.tables_missing]
    if missing:
        return problem(
            503,
            "Not ready",
            "tables missing for enabled features: " + ", ".join(missing),
            errors=[{"loc": ["tables"], "msg": name} for name in missing],
            headers={"Retry-After": "5"},
        )
    return ReadyOut(status="ready")
