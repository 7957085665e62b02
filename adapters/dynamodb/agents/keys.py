"""The one key builder of each agents table this slice writes (`agents`, `agent-flows`,
`flow-node-configs`, `agent-versions`)."""

from __future__ import annotations

from datetime import datetime

from domains.shared.clock import isoformat


def _stamp(at: datetime, resource_id: str) -> str:
    """Time first (newest-first is a reverse query), then the id to keep stamps distinct."""
    return f"{isoformat(at)}#{resource_id}"


def agent_key(org_id: str, agent_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": f"AGENT#{agent_id}"}


def project_agents_partition(org_id: str, project_id: str) -> str:
    return f"ORG#{org_id}#PROJECT#{project_id}"


def status_agents_partition(org_id: str, status: str) -> str:
    return f"ORG#{org_id}#STATUS#{status}"


def owner_agents_partition(org_id: str, user_id: str) -> str:
    return f"ORG#{org_id}#OWNER#{user_id}"


def agent_index_keys(
    org_id: str, project_id: str, status: str, owner: str, updated_at: datetime, agent_id: str
) -> dict[str, str]:
    """gsi1: a project's agents; gsi2: the organisation's of a status; gsi3: a creator's;
    each by last update."""
    stamp = _stamp(updated_at, agent_id)
    return {
        "gsi1pk": project_agents_partition(org_id, project_id),
        "gsi1sk": stamp,
        "gsi2pk": status_agents_partition(org_id, status),
        "gsi2sk": stamp,
        "gsi3pk": owner_agents_partition(org_id, owner),
        "gsi3sk": stamp,
    }


def flow_key(org_id: str, flow_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}#FLOW#{flow_id}", "sk": "FLOW"}


def flow_index_keys(org_id: str, agent_id: str, flow_id: str) -> dict[str, str]:
    """gsi1: an agent's flow."""
    return {"gsi1pk": f"ORG#{org_id}#AGENT#{agent_id}", "gsi1sk": f"FLOW#{flow_id}"}


def custom_types_partition(org_id: str) -> str:
    return f"ORG#{org_id}#NODETYPES"


def custom_type_keys(org_id: str, type_: str, category: str) -> dict[str, str]:
    """The type in its organisation's partition; gsi2: types by category."""
    return {
        "pk": custom_types_partition(org_id),
        "sk": f"TYPE#{type_}",
        "gsi2pk": f"NODETYPES#{org_id}#CAT#{category}",
        "gsi2sk": type_,
    }


def node_config_key(org_id: str, flow_id: str, node_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}#FLOW#{flow_id}", "sk": f"NODE#{node_id}"}


def node_config_index_keys(org_id: str, type_: str, flow_id: str, node_id: str) -> dict[str, str]:
    """gsi1: every configured node of a type (the impact of changing that type)."""
    return {"gsi1pk": f"ORG#{org_id}#TYPE#{type_}", "gsi1sk": f"FLOW#{flow_id}#NODE#{node_id}"}


VERSION_PREFIX = "V#"
SUMMARY_PREFIX = "S#"


def agent_versions_partition(org_id: str, agent_id: str) -> str:
    return f"ORG#{org_id}#AGENT#{agent_id}"


def agent_version_key(org_id: str, agent_id: str, number: int) -> dict[str, str]:
    """`agent-versions`: one partition per agent, versions in number order."""
    return {"pk": agent_versions_partition(org_id, agent_id), "sk": f"{VERSION_PREFIX}{number:08d}"}


def agent_version_summary_key(org_id: str, agent_id: str, number: int) -> dict[str, str]:
    """The version's summary beside it: the list reads these, never the content."""
    partition = agent_versions_partition(org_id, agent_id)
    return {"pk": partition, "sk": f"{SUMMARY_PREFIX}{number:08d}"}
