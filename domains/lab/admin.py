"""The AI Lab in the admin (feature `ai_lab`): each subpackage registers its entities in its
own admin module, imported here (the site discovers `domains.lab.admin`)."""

from __future__ import annotations

from domains.lab.datasets import admin as _datasets_admin  # noqa: F401
from domains.lab.registry import admin as _registry_admin  # noqa: F401
from domains.lab.tracking import admin as _tracking_admin  # noqa: F401
