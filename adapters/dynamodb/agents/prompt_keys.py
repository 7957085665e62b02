"""The one key builder of `prompts-library`: a prompt's partition holds its metadata (META),
its versions (V#<n:08d>, so they sort by number) and its aliases (ALIAS#<name>)."""

from __future__ import annotations

import zlib
from datetime import datetime

from domains.shared.clock import isoformat

PUBLIC_SHARDS = 10
META = "META"
VERSION_PREFIX = "V#"
ALIAS_PREFIX = "ALIAS#"


def prompt_partition(org_id: str, prompt_id: str) -> str:
    return f"ORG#{org_id}#PROMPT#{prompt_id}"


def prompt_key(org_id: str, prompt_id: str) -> dict[str, str]:
    return {"pk": prompt_partition(org_id, prompt_id), "sk": META}


def version_key(org_id: str, prompt_id: str, number: int) -> dict[str, str]:
    return {"pk": prompt_partition(org_id, prompt_id), "sk": f"{VERSION_PREFIX}{number:08d}"}


def alias_key(org_id: str, prompt_id: str, alias: str) -> dict[str, str]:
    return {"pk": prompt_partition(org_id, prompt_id), "sk": f"{ALIAS_PREFIX}{alias}"}


def org_prompts_partition(org_id: str) -> str:
    return f"ORG#{org_id}#PROMPTS"


def public_partition(shard: int) -> str:
    return f"PUBLIC#PROMPTS#{shard}"


def public_shard(prompt_id: str) -> int:
    """A stable shard per prompt, so public writes spread over PUBLIC_SHARDS partitions."""
    return zlib.crc32(prompt_id.encode()) % PUBLIC_SHARDS


def prompt_index_keys(
    org_id: str, prompt_id: str, updated_at: datetime, visibility: str
) -> dict[str, str | None]:
    """gsi1: the organisation's prompts by last update; gsi2 (sparse): public ones only,
    None removes the keys when a prompt stops being public."""
    stamp = f"{isoformat(updated_at)}#{prompt_id}"
    public = visibility == "public"
    return {
        "gsi1pk": org_prompts_partition(org_id),
        "gsi1sk": stamp,
        "gsi2pk": public_partition(public_shard(prompt_id)) if public else None,
        "gsi2sk": stamp if public else None,
    }
