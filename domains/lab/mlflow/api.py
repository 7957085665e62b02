"""MLflow's tracking REST API over the lab's services: what the unchanged MLflow client
(`mlflow`, `mlflow-skinny` 2.x) calls under `<tracking URI>/api/2.0/mlflow/...`.

Served by its own NinjaAPI at /mlflow (nexus/mlflow_api.py), outside /api: MLflow's error
shape (`{"error_code", "message"}`) and its ids-in-the-body calls are not our REST contract.
The tracking URI is `http://<host>/mlflow`, or `http://<host>/mlflow/projects/<project_id>`
to create experiments and models in that project and list that project's experiments.
Without a project in the URI, a create names its project with the tag `nexus.project_id`.

Credentials: `MLFLOW_TRACKING_TOKEN=nxk_...` (an organisation API key, sent as a bearer
token; its organisation is implied). A user's access token works only with the
X-Organization-Id header, which the MLflow client cannot send.

Thin, like every api.py: read MLflow's request, call a service, shape MLflow's answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router

from domains.lab.mlflow import wire
from domains.lab.registry.model import VersionDraft
from domains.lab.registry.ports import VersionFilter
from domains.lab.tracking.model import (
    MAX_BATCH_METRICS,
    MAX_BATCH_PARAMS,
    MAX_BATCH_TAGS,
    MAX_STEP,
    MetricPoint,
    Run,
)
from domains.lab.tracking.search import parse_query
from domains.lab.tracking.services.metrics import MAX_RETURNED_POINTS
from domains.shared.errors import NotFound, ValidationFailed
from domains.shared.ids import is_valid_id
from domains.shared.pagination import MAX_PAGE_SIZE, Page, PageRequest
from domains.shared.tenancy import TenantContext
from domains.shared.web import feature_tenant, service

FEATURE = "ai_lab"
ctx_of = feature_tenant(FEATURE)
router = Router(tags=["mlflow"])
METHODS = ["GET", "POST", "PATCH", "DELETE"]
SEARCH_DEFAULT = 1000  # MLflow's default max_results of a run search
DEFAULT_EXPERIMENT = "0"


class Call:
    """One MLflow call: the tenant, the request's fields (query or JSON body), the URI's
    project (or None)."""

    def __init__(self, ctx: TenantContext, body: dict[str, Any], project_id: str | None) -> None:
        self.ctx = ctx
        self.body = body
        self.project_id = project_id
        bucket = service("config").s3_bucket
        self.artifact_root = f"s3://{bucket}/mlflow/{ctx.org_id}"

    def text(self, name: str, *, required: bool = True) -> str:
        value = self.body.get(name)
        if value in (None, ""):
            if required:
                raise _missing(name)
            return ""
        if not isinstance(value, str | int | float):
            raise _invalid(name, "a string")
        return str(value)

    def number(self, name: str, default: int | None = None) -> int:
        value = self.body.get(name, default)
        try:
            if value is None or isinstance(value, bool):
                raise ValueError
            return int(value)
        except (TypeError, ValueError):
            raise (_missing(name) if value is None else _invalid(name, "an integer")) from None

    def project(self, tags: dict[str, str]) -> str:
        """Where a created experiment or model goes: the URI's project, else the tag's."""
        project_id = self.project_id or tags.get(wire.PROJECT_TAG, "")
        if not project_id:
            raise ValidationFailed(
                f"name the project: a tracking URI ending /mlflow/projects/<project_id>, or "
                f"the tag {wire.PROJECT_TAG}",
                errors=[{"loc": ["tags", wire.PROJECT_TAG], "msg": "required"}],
            )
        return project_id


def _invalid(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{name}: {message}", errors=[{"loc": [name], "msg": message}])


def _missing(name: str) -> ValidationFailed:
    return ValidationFailed(
        f"Missing value for required parameter '{name}'",
        errors=[{"loc": [name], "msg": "required"}],
    )


def tracking() -> Any:
    return service("lab_tracking")


def registry() -> Any:
    return service("lab_registry")


# --- experiments --------------------------------------------------------------------------


def _experiment_id(c: Call) -> str:
    """MLflow's default experiment ("0", where a run goes when none was set) has no
    counterpart here: experiments live in projects."""
    wanted = c.text("experiment_id")
    if wanted == DEFAULT_EXPERIMENT:
        raise NotFound(
            "there is no default experiment (0) here: call mlflow.set_experiment('<name>') "
            "(or pass experiment_id) first"
        )
    return wanted


def experiment_create(c: Call) -> dict[str, Any]:
    tags = wire.pairs(c.body.get("tags"), "tags")
    project_id = c.project(tags)
    tags.pop(wire.PROJECT_TAG, None)
    created = (
        tracking()
        .experiments()
        .create(ctx=c.ctx, project_id=project_id, name=c.text("name"), tags=tags)
    )
    return {"experiment_id": created.id}


def experiment_get(c: Call) -> dict[str, Any]:
    found = tracking().experiments().get(ctx=c.ctx, experiment_id=_experiment_id(c))
    return {"experiment": wire.experiment(found, c.artifact_root)}


def experiment_by_name(c: Call) -> dict[str, Any]:
    name = c.text("experiment_name")
    found = tracking().experiments().get_by_name(ctx=c.ctx, name=name)
    return {"experiment": wire.experiment(found, c.artifact_root)}


def experiment_search(c: Call) -> dict[str, Any]:
    """The URI's project's experiments (recently updated first) or the organisation's
    (newest first); `filter` takes `name = '<n>'`, `name LIKE '<pattern>'` and
    `tags.<k> = '<v>'` joined by AND, applied to each page read."""
    lifecycle = wire.VIEW_TYPES.get(c.text("view_type", required=False) or "ACTIVE_ONLY")
    if lifecycle is None:
        raise _invalid("view_type", f"one of {sorted(wire.VIEW_TYPES)}")
    keep = _experiment_filter(c.text("filter", required=False))
    wanted = c.number("max_results", SEARCH_DEFAULT)

    def read(page: PageRequest) -> Page[Any]:
        return (
            tracking()
            .experiments()
            .list(ctx=c.ctx, project_id=c.project_id, lifecycle=lifecycle, page=page)
        )

    items, token = _collect(read, wanted, c.text("page_token", required=False), keep)
    return _listing("experiments", [wire.experiment(x, c.artifact_root) for x in items], token)


def _experiment_filter(text: str) -> Callable[[Any], bool]:
    clauses = [_like_clause(part) for part in _split_and(text)]
    return lambda x: all(clause(x.name, x.tags) for clause in clauses)


def _split_and(text: str) -> list[str]:
    import re

    return [p for p in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE) if p]


def _like_clause(part: str) -> Callable[[str, dict[str, str]], bool]:
    """`name = 'x'`, `name != 'x'`, `name LIKE 'x%'` (ILIKE too) or `tags.<k> = 'v'`."""
    import re

    m = re.match(
        r"^\s*(?:attributes\.)?(?P<field>name|tags\.`?[\w.\-/ ]+`?)\s*"
        r"(?P<op>=|!=|LIKE|ILIKE)\s*(?P<q>['\"])(?P<value>.*)(?P=q)\s*$",
        part,
        re.IGNORECASE,
    )
    if m is None:
        raise _invalid("filter", f"cannot read {part.strip()!r}: name = 'x', name LIKE 'x%'")
    field, op, value = m["field"], m["op"].upper(), m["value"]
    if op in ("LIKE", "ILIKE"):
        pattern = "^" + ".*".join(re.escape(s).replace("_", ".") for s in value.split("%")) + "$"
        rx = re.compile(pattern, re.IGNORECASE if op == "ILIKE" else 0)

        def test(actual: str | None) -> bool:
            return actual is not None and rx.match(actual) is not None
    else:

        def test(actual: str | None) -> bool:
            return (actual == value) == (op == "=")

    if field.lower() == "name":
        return lambda name, tags: test(name)
    key = field[5:].strip("`")
    return lambda name, tags: test(tags.get(key))


def experiment_update(c: Call) -> dict[str, Any]:
    tracking().experiments().update(
        ctx=c.ctx,
        experiment_id=_experiment_id(c),
        expected_version=None,
        name=c.text("new_name"),
    )
    return {}


def experiment_set_tag(c: Call) -> dict[str, Any]:
    experiments = tracking().experiments()
    current = experiments.get(ctx=c.ctx, experiment_id=_experiment_id(c))
    tags = {**current.tags, c.text("key"): c.text("value", required=False)}
    experiments.update(
        ctx=c.ctx, experiment_id=current.id, expected_version=current.version, tags=tags
    )
    return {}


def experiment_delete(c: Call) -> dict[str, Any]:
    tracking().experiments().delete(ctx=c.ctx, experiment_id=_experiment_id(c))
    return {}


def experiment_restore(c: Call) -> dict[str, Any]:
    tracking().experiments().restore(ctx=c.ctx, experiment_id=_experiment_id(c))
    return {}


# --- runs ---------------------------------------------------------------------------------


def _run_id(c: Call) -> str:
    return c.text("run_id", required=False) or c.text("run_uuid")


def _run_out(r: Run, c: Call) -> dict[str, Any]:
    return {"run": wire.run(r, c.artifact_root)}


def run_create(c: Call) -> dict[str, Any]:
    tags = wire.pairs(c.body.get("tags"), "tags")
    name = c.text("run_name", required=False) or tags.get("mlflow.runName", "")
    tags.pop("mlflow.runName", None)
    created = (
        tracking()
        .runs()
        .create(
            ctx=c.ctx,
            experiment_id=_experiment_id(c),
            name=name,
            started_at=wire.from_ms(c.body.get("start_time"), "start_time"),
            tags=tags,
        )
    )
    return _run_out(created, c)


def run_get(c: Call) -> dict[str, Any]:
    return _run_out(tracking().runs().get(ctx=c.ctx, run_id=_run_id(c)), c)


def run_update(c: Call) -> dict[str, Any]:
    status = c.text("status", required=False)
    name = c.text("run_name", required=False)
    changed = (
        tracking()
        .runs()
        .update(
            ctx=c.ctx,
            run_id=_run_id(c),
            expected_version=None,
            status=wire.run_status(status) if status else None,
            ended_at=wire.from_ms(c.body.get("end_time"), "end_time") if status else None,
            name=name or None,
        )
    )
    return {"run_info": wire.run(changed, c.artifact_root)["info"]}


def run_search(c: Call) -> dict[str, Any]:
    """Runs of the experiments matching MLflow's filter subset (`metrics.x > n`,
    `params.p = 'v'`, `tags.t = 'v'`, `attributes.status = 'FINISHED'`, AND) in one order
    (`metrics.x DESC`, `attributes.start_time`). Several experiments are searched each and
    merged (a page token only with one)."""
    ids = c.body.get("experiment_ids") or []
    if isinstance(ids, str):
        ids = [ids]
    if not ids:
        raise _missing("experiment_ids")
    order = c.body.get("order_by") or []
    order = [order] if isinstance(order, str) else list(order)
    if len(order) > 1:
        raise _invalid("order_by", "one order at most")
    filter_text = c.text("filter", required=False)
    order_by = order[0] if order else None
    wanted = c.number("max_results", SEARCH_DEFAULT)
    token = c.text("page_token", required=False)
    if len(ids) > 1 and token:
        raise _invalid("page_token", "paging is for a search of one experiment")
    runs = tracking().runs()
    found: list[Run] = []
    next_token: str | None = None
    for experiment_id in ids:

        def read(page: PageRequest, experiment_id: str = str(experiment_id)) -> Page[Run]:
            return runs.search(
                ctx=c.ctx,
                experiment_id=experiment_id,
                page=page,
                filter=filter_text or None,
                order_by=order_by,
            )

        items, next_token = _collect(read, wanted, token, None)
        found += items
    if len(ids) > 1:
        found = sorted(found, key=parse_query(filter_text, order_by).sort_key)[:wanted]
        next_token = None
    return _listing("runs", [wire.run(r, c.artifact_root) for r in found], next_token)


def _collect(
    read: Callable[[PageRequest], Page[Any]],
    wanted: int,
    token: str | None,
    keep: Callable[[Any], bool] | None,
) -> tuple[list[Any], str | None]:
    """Up to `wanted` items over our pages of at most MAX_PAGE_SIZE, and the cursor to go
    on from (MLflow's page_token is our signed cursor)."""
    if not 1 <= wanted <= 50_000:
        raise _invalid("max_results", "1 to 50000")
    items: list[Any] = []
    cursor = token or None
    while True:
        page = read(PageRequest(min(MAX_PAGE_SIZE, wanted - len(items)), cursor))
        items += [x for x in page.items if keep is None or keep(x)]
        cursor = page.next_cursor
        if cursor is None or len(items) >= wanted:
            return items, cursor


def _listing(name: str, items: list[Any], token: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {name: items}
    if token:
        body["next_page_token"] = token
    return body


def log_batch(c: Call) -> dict[str, Any]:
    """Params and tags first (one run write), then up to 1,000 metric points."""
    metrics = c.body.get("metrics") or []
    params = wire.pairs(c.body.get("params"), "params")
    tags = wire.pairs(c.body.get("tags"), "tags")
    raw_params = c.body.get("params") or []
    for name, got, limit in (
        ("metrics", len(metrics), MAX_BATCH_METRICS),
        ("params", len(raw_params), MAX_BATCH_PARAMS),
        ("tags", len(c.body.get("tags") or []), MAX_BATCH_TAGS),
    ):
        if got > limit:
            raise _invalid(name, f"at most {limit} per batch (got {got})")
    if not isinstance(metrics, list):
        raise _invalid("metrics", "a list")
    run_id = _run_id(c)
    if params:
        tracking().runs().log_params(ctx=c.ctx, run_id=run_id, params=params, tags=tags)
    elif tags:
        tracking().runs().update(ctx=c.ctx, run_id=run_id, expected_version=None, tags=tags)
    if metrics:
        _log_points(c, run_id, [_point(c, m, i) for i, m in enumerate(metrics)])
    return {}


def _point(c: Call, raw: Any, i: int) -> MetricPoint:
    if not isinstance(raw, dict) or "key" not in raw or "value" not in raw:
        raise _invalid("metrics", f"entry {i} is {{key, value, timestamp, step}}")
    try:
        value = float(raw["value"])
        timestamp = int(raw.get("timestamp") or tracking().metrics().now_ms())
        step = int(raw.get("step") or 0)
    except (TypeError, ValueError):
        raise _invalid(
            "metrics", f"entry {i}: value a number, timestamp and step integers"
        ) from None
    return MetricPoint(str(raw["key"]), value, timestamp, step)


def _log_points(c: Call, run_id: str, points: list[MetricPoint]) -> None:
    tracking().metrics().log(ctx=c.ctx, run_id=run_id, points=points)


def log_metric(c: Call) -> dict[str, Any]:
    _log_points(c, _run_id(c), [_point(c, c.body, 0)])
    return {}


def log_parameter(c: Call) -> dict[str, Any]:
    value = c.text("value", required=False)
    tracking().runs().log_params(ctx=c.ctx, run_id=_run_id(c), params={c.text("key"): value})
    return {}


def set_tag(c: Call) -> dict[str, Any]:
    tags = {c.text("key"): c.text("value", required=False)}
    tracking().runs().update(ctx=c.ctx, run_id=_run_id(c), expected_version=None, tags=tags)
    return {}


def delete_tag(c: Call) -> dict[str, Any]:
    runs = tracking().runs()
    key = c.text("key")
    current = runs.get(ctx=c.ctx, run_id=_run_id(c))
    if key not in current.tags:
        raise NotFound(f"No tag with name: {key} in run with id {current.id}")
    runs.update(ctx=c.ctx, run_id=current.id, expected_version=None, delete_tags=[key])
    return {}


def metric_history(c: Call) -> dict[str, Any]:
    """Every point of the key by step then time (up to 10,000; a longer history comes
    down-sampled, each stretch's lowest and highest point kept)."""
    history = (
        tracking()
        .metrics()
        .history(
            ctx=c.ctx,
            run_id=_run_id(c),
            key=c.text("metric_key"),
            step_to=MAX_STEP - 1,
            max_points=MAX_RETURNED_POINTS,
        )
    )
    return {"metrics": [wire.metric(p) for p in history.points]}


# --- model registry -----------------------------------------------------------------------


def _model(c: Call, name_field: str = "name") -> Any:
    return registry().selector().by_name(ctx=c.ctx, name=c.text(name_field))


def _detail(c: Call, model: Any) -> dict[str, Any]:
    """A registered model with its aliases and its newest version (MLflow's latest)."""
    detail = registry().selector().get(ctx=c.ctx, model_id=model.id, page=PageRequest(1))
    return wire.registered_model(detail.model, detail.aliases, detail.versions.items)


def model_create(c: Call) -> dict[str, Any]:
    tags = wire.pairs(c.body.get("tags"), "tags")
    model, _ = (
        registry()
        .models()
        .register(
            ctx=c.ctx,
            name=c.text("name"),
            task=tags.get(wire.TASK_TAG) or wire.DEFAULT_TASK,
            framework=tags.get(wire.FRAMEWORK_TAG) or wire.DEFAULT_FRAMEWORK,
            project_id=c.project(tags),
            description=c.text("description", required=False),
        )
    )
    return {"registered_model": wire.registered_model(model)}


def model_get(c: Call) -> dict[str, Any]:
    return {"registered_model": _detail(c, _model(c))}


def model_search(c: Call) -> dict[str, Any]:
    """`name = 'x'` (one read of the name's claim) or `name LIKE 'x%'` over the
    organisation's models (the URI's project's, with a project)."""
    text = c.text("filter", required=False)
    wanted = c.number("max_results", 100)
    clauses = [_like_clause(part) for part in _split_and(text)]
    exact = [p for p in _split_and(text) if p.replace(" ", "").lower().startswith("name='")]
    if len(clauses) == 1 and exact:
        try:
            models = [_model_named(c, exact[0].split("=", 1)[1].strip().strip("'\""))]
        except NotFound:
            models = []
        return _listing("registered_models", [_detail(c, m) for m in models], None)

    def read(page: PageRequest) -> Page[Any]:
        return (
            registry()
            .selector()
            .list(ctx=c.ctx, wanted=VersionFilter(project_id=c.project_id), page=page)
        )

    def keep(entry: Any) -> bool:
        return entry.model is not None and all(cl(entry.model.name, {}) for cl in clauses)

    entries, token = _collect(read, wanted, c.text("page_token", required=False), keep)
    return _listing("registered_models", [_detail(c, x.model) for x in entries], token)


def _model_named(c: Call, name: str) -> Any:
    return registry().selector().by_name(ctx=c.ctx, name=name)


def version_create(c: Call) -> dict[str, Any]:
    model = _model(c)
    run_id = c.text("run_id", required=False)
    draft = VersionDraft(
        artifact_uri=_artifact(c, c.text("source"), run_id),
        source_run_id=run_id or None,
        description=c.text("description", required=False),
    )
    _, added = registry().models().add_version(ctx=c.ctx, model_id=model.id, draft=draft)
    return {"model_version": wire.model_version(added)}


def _artifact(c: Call, source: str, run_id: str) -> str:
    """`runs:/<run_id>/<path>` is the run's artifact location (under our bucket); an s3://
    URI is kept; other schemes cannot be registered."""
    if source.startswith("runs:/"):
        ref_run, _, path = source.removeprefix("runs:/").partition("/")
        run = tracking().runs().get(ctx=c.ctx, run_id=ref_run or run_id)
        return f"{wire.run(run, c.artifact_root)['info']['artifact_uri']}/{path}".rstrip("/")
    return source


def _version(c: Call) -> tuple[Any, int]:
    model = _model(c)
    raw = c.text("version")
    if not raw.isdigit() or len(raw) > 8:
        raise NotFound(f"Model Version (name={model.name}, version={raw}) not found")
    return model, int(raw)


def _version_out(c: Call, model: Any, number: int) -> dict[str, Any]:
    selector = registry().selector()
    found = selector.version(ctx=c.ctx, model_id=model.id, number=number)
    aliases = selector.get(ctx=c.ctx, model_id=model.id, page=PageRequest(1)).aliases
    return {"model_version": wire.model_version(found, aliases)}


def version_get(c: Call) -> dict[str, Any]:
    return _version_out(c, *_version(c))


def version_search(c: Call) -> dict[str, Any]:
    """`name = 'm'` (that model's versions, newest first) or `run_id = 'r'`."""
    text = c.text("filter", required=False)
    wanted = c.number("max_results", 100)
    import re

    m = re.match(r"^\s*(name|run_id)\s*=\s*(['\"])(.*)\2\s*$", text)
    if m is None:
        raise _invalid("filter", "name = '<model>' or run_id = '<run>'")
    selector = registry().selector()
    if m[1] == "run_id":
        if not is_valid_id(m[3]):
            return {"model_versions": []}

        def by_run(page: PageRequest) -> Page[Any]:
            return selector.list(ctx=c.ctx, wanted=VersionFilter(run_id=m[3]), page=page)

        entries, token = _collect(by_run, wanted, c.text("page_token", required=False), None)
        versions = [x.version for x in entries]
    else:
        model = _model_named(c, m[3])

        def by_model(page: PageRequest) -> Page[Any]:
            return selector.get(ctx=c.ctx, model_id=model.id, page=page).versions

        versions, token = _collect(by_model, wanted, c.text("page_token", required=False), None)
    return _listing("model_versions", [wire.model_version(v) for v in versions], token)


def version_stage(c: Call) -> dict[str, Any]:
    model, number = _version(c)
    registry().lifecycle().set_stage(
        ctx=c.ctx, model_id=model.id, number=number, stage=wire.stage_of(c.body.get("stage"))
    )
    return _version_out(c, model, number)


def alias_set(c: Call) -> dict[str, Any]:
    model, number = _version(c)
    registry().models().set_alias(
        ctx=c.ctx, model_id=model.id, alias=c.text("alias"), number=number
    )
    return {}


def alias_get(c: Call) -> dict[str, Any]:
    model = _model(c)
    alias = c.text("alias")
    held = registry().selector().get(ctx=c.ctx, model_id=model.id, page=PageRequest(1)).aliases
    pointed = next((a for a in held if a.alias == alias), None)
    if pointed is None:
        raise NotFound(f"Registered model alias {alias} not found.")
    return _version_out(c, model, pointed.number)


def alias_delete(c: Call) -> dict[str, Any]:
    model = _model(c)
    registry().models().remove_alias(
        ctx=c.ctx, model_id=model.id, alias=c.text("alias"), expected_version=None
    )
    return {}


Handler = Callable[[Call], dict[str, Any]]
ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "experiments/create"): experiment_create,
    ("GET", "experiments/get"): experiment_get,
    ("GET", "experiments/get-by-name"): experiment_by_name,
    ("POST", "experiments/search"): experiment_search,
    ("GET", "experiments/search"): experiment_search,
    ("POST", "experiments/update"): experiment_update,
    ("POST", "experiments/set-experiment-tag"): experiment_set_tag,
    ("POST", "experiments/delete"): experiment_delete,
    ("POST", "experiments/restore"): experiment_restore,
    ("POST", "runs/create"): run_create,
    ("GET", "runs/get"): run_get,
    ("POST", "runs/update"): run_update,
    ("POST", "runs/search"): run_search,
    ("POST", "runs/log-batch"): log_batch,
    ("POST", "runs/log-metric"): log_metric,
    ("POST", "runs/log-parameter"): log_parameter,
    ("POST", "runs/set-tag"): set_tag,
    ("POST", "runs/delete-tag"): delete_tag,
    ("GET", "metrics/get-history"): metric_history,
    ("POST", "registered-models/create"): model_create,
    ("GET", "registered-models/get"): model_get,
    ("GET", "registered-models/search"): model_search,
    ("POST", "model-versions/create"): version_create,
    ("GET", "model-versions/get"): version_get,
    ("GET", "model-versions/search"): version_search,
    ("POST", "model-versions/transition-stage"): version_stage,
    ("POST", "registered-models/alias"): alias_set,
    ("GET", "registered-models/alias"): alias_get,
    ("DELETE", "registered-models/alias"): alias_delete,
}


def _fields(request: HttpRequest) -> dict[str, Any]:
    """A GET's query (MLflow sends its fields there; a repeated one is a list), else the
    JSON body."""
    if request.method == "GET":
        return {k: v[0] if len(v) == 1 else v for k, v in request.GET.lists()}
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        raise _invalid("body", "JSON") from None
    if not isinstance(body, dict):
        raise _invalid("body", "a JSON object")
    return body


def dispatch(request: HttpRequest, endpoint: str, project_id: str | None) -> JsonResponse:
    handler = ROUTES.get((request.method or "GET", endpoint.strip("/")))
    if handler is None:
        body = wire.error_body(
            "ENDPOINT_NOT_FOUND", f"no {request.method} endpoint /api/2.0/mlflow/{endpoint}"
        )
        return JsonResponse(body, status=404)
    ctx = ctx_of(request)
    if project_id is not None and not is_valid_id(project_id):
        raise NotFound("project not found")
    return JsonResponse(handler(Call(ctx, _fields(request), project_id)))


@router.api_operation(METHODS, "/api/2.0/mlflow/{path:endpoint}", include_in_schema=False)
def mlflow_call(request: HttpRequest, endpoint: str) -> JsonResponse:
    return dispatch(request, endpoint, None)


@router.api_operation(
    METHODS, "/projects/{project_id}/api/2.0/mlflow/{path:endpoint}", include_in_schema=False
)
def mlflow_project_call(request: HttpRequest, project_id: str, endpoint: str) -> JsonResponse:
    return dispatch(request, endpoint, project_id)
