"""The node types router: /nodes/types (the catalogue, custom types, validation) and
/flows/{flowId}/nodes/{nodeId}/config. The paths are the source document's, as written."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Router

from domains.agents import schemas_nodes as s
from domains.agents.api import CREATING, HEADER, ctx_of, services
from domains.agents.model import NodeConfig
from domains.shared.api import if_match, json_response
from domains.shared.api_idempotency import idempotent

router = Router(tags=["agents"])


def _config_out(config: NodeConfig) -> Any:
    return json_response(asdict(config), schema=s.NodeConfigOut, version=config.version)


@router.get("/nodes/types", response=s.NodeTypeListOut, openapi_extra=HEADER)
def node_type_list(request: HttpRequest) -> Any:
    """Built-in types, then the organisation's custom ones."""
    return {"items": services().node_types().list_types(ctx=ctx_of(request))}


@router.post("/nodes/types", response={201: s.NodeTypeOut}, openapi_extra=CREATING)
@idempotent()
def node_type_create(request: HttpRequest, body: s.NodeTypeIn) -> Any:
    """A custom node type of the organisation (organisation admins)."""
    created = services().node_types().add_custom(ctx=ctx_of(request), spec=body.dict())
    return json_response(created, schema=s.NodeTypeOut, status=201)


@router.post("/nodes/types/{type}/validate", response=s.NodeConfigValidOut, openapi_extra=HEADER)
def node_type_validate(request: HttpRequest, type: str, body: s.NodeConfigIn) -> Any:
    """200 with the config with defaults applied, or 422 with an error per field."""
    config = services().node_types().validate(ctx=ctx_of(request), type_=type, config=body.config)
    return {"config": config}


@router.get("/flows/{flowId}/nodes/{nodeId}/config", response=s.NodeConfigOut, openapi_extra=HEADER)
def node_config_get(request: HttpRequest, flowId: str, nodeId: str) -> Any:
    got = services().node_types().get_config(ctx=ctx_of(request), flow_id=flowId, node_id=nodeId)
    return _config_out(got)


@router.put("/flows/{flowId}/nodes/{nodeId}/config", response=s.NodeConfigOut, openapi_extra=HEADER)
def node_config_put(request: HttpRequest, flowId: str, nodeId: str, body: s.NodeConfigIn) -> Any:
    saved = (
        services()
        .node_types()
        .put_config(
            ctx=ctx_of(request),
            flow_id=flowId,
            node_id=nodeId,
            config=body.config,
            expected_version=if_match(request),
        )
    )
    return _config_out(saved)
