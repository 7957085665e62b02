"""Tags, as every context that tags things (projects, agents, prompts, templates) takes them:
lowercase words of a-z 0-9 _ . : -, at most 20 on one thing."""

from __future__ import annotations

import re
from collections.abc import Iterable

from domains.shared.errors import ValidationFailed

MAX_TAGS = 20
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,39}$")


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"loc": ["tags"], "msg": message}])


def check_tags(raw: Iterable[str]) -> frozenset[str]:
    """The tags trimmed and lowercased; 422 naming the first bad one."""
    tags = frozenset(t.strip().lower() for t in raw)
    if len(tags) > MAX_TAGS:
        raise _invalid(f"at most {MAX_TAGS} tags")
    bad = sorted(t for t in tags if not TAG_RE.match(t))
    if bad:
        raise _invalid(f"tags are 1-40 of a-z 0-9 _ . : - (not {bad[0]!r})")
    return tags
