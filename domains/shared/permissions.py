"""Permission strings and the built-in roles, defined once for every context."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    ORG_READ = "org:read"
    ORG_WRITE = "org:write"
    ORG_DELETE = "org:delete"
    MEMBER_READ = "member:read"
    MEMBER_INVITE = "member:invite"
    MEMBER_MANAGE = "member:manage"
    AUDIT_READ = "audit:read"
    APIKEY_MANAGE = "apikey:manage"
    SETTINGS_WRITE = "settings:write"
    CONTENT_READ = "content:read"
    CONTENT_WRITE = "content:write"
    WORKSPACE_READ = "workspace:read"
    WORKSPACE_WRITE = "workspace:write"
    WORKSPACE_ADMIN = "workspace:admin"
    PROJECT_READ = "project:read"
    PROJECT_WRITE = "project:write"
    PROJECT_ADMIN = "project:admin"
    AGENT_READ = "agent:read"
    AGENT_WRITE = "agent:write"
    AGENT_EXECUTE = "agent:execute"
    TEMPLATE_READ = "template:read"
    TEMPLATE_WRITE = "template:write"
    TEMPLATE_PUBLISH = "template:publish"
    PROMPT_READ = "prompt:read"
    PROMPT_WRITE = "prompt:write"
    LAB_READ = "lab:read"
    LAB_WRITE = "lab:write"
    MODEL_READ = "model:read"
    MODEL_WRITE = "model:write"
    MODEL_DEPLOY = "model:deploy"  # deployments and promotion to production: admins
    COMMUNITY_READ = "community:read"
    COMMUNITY_WRITE = "community:write"
    COMMUNITY_MODERATE = "community:moderate"
    COURSE_READ = "course:read"
    COURSE_WRITE = "course:write"
    ANALYTICS_READ = "analytics:read"
    ANALYTICS_COSTS = "analytics:costs"  # the organisation's share of the tables' cost
    ROLE_MANAGE = "role:manage"
    NOTIFICATION_READ = "notification:read"


_READ = {p for p in Permission if p.value.endswith(":read")}
_MEMBER = _READ | {
    Permission.CONTENT_WRITE,
    Permission.WORKSPACE_WRITE,
    Permission.PROJECT_WRITE,
    Permission.AGENT_WRITE,
    Permission.AGENT_EXECUTE,
    Permission.TEMPLATE_WRITE,
    Permission.PROMPT_WRITE,
    Permission.LAB_WRITE,
    Permission.MODEL_WRITE,
    Permission.COMMUNITY_WRITE,
}
_ADMIN = set(Permission) - {Permission.ORG_DELETE}

ORG_ROLES: dict[str, frozenset[str]] = {
    "owner": frozenset(p.value for p in Permission),
    "admin": frozenset(p.value for p in _ADMIN),
    "member": frozenset(p.value for p in _MEMBER - {Permission.AUDIT_READ}),
    "viewer": frozenset(p.value for p in _READ - {Permission.AUDIT_READ}),
}

RESOURCE_ROLES: dict[str, frozenset[str]] = {
    "admin": frozenset({"read", "write", "admin"}),
    "editor": frozenset({"read", "write"}),
    "viewer": frozenset({"read"}),
}


def permissions_for(role: str) -> frozenset[str]:
    """The permission set of a built-in organisation role (empty for an unknown role)."""
    return ORG_ROLES.get(role, frozenset())
