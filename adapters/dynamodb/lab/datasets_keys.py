"""The one key builder of the `datasets` table: one partition per dataset (META, its V#<n:08d>
versions and USEDBY#<n:08d>#<run id> lineage items, sorted by version so one version's runs
are one key range), and the DATASETNAME#<lower(name)> claims in the organisation's partition.
gsi1 lists the organisation's live datasets by last update; gsi2 (lineage items only) a
run's datasets."""

from __future__ import annotations

from datetime import datetime

from adapters.dynamodb.codec import format_datetime

DATASETS_TABLE = "datasets"
META = "META"
VERSION_PREFIX = "V#"
USAGE_PREFIX = "USEDBY#"


def dataset_partition(org_id: str, dataset_id: str) -> str:
    return f"ORG#{org_id}#DATASET#{dataset_id}"


def meta_key(org_id: str, dataset_id: str) -> dict[str, str]:
    return {"pk": dataset_partition(org_id, dataset_id), "sk": META}


def name_key(org_id: str, name: str) -> dict[str, str]:
    """The claim that keeps a name unique in the organisation, whatever its case."""
    return {"pk": f"ORG#{org_id}", "sk": f"DATASETNAME#{name.lower()}"}


def org_datasets_partition(org_id: str) -> str:
    return f"ORG#{org_id}#DATASETS"


def dataset_index_keys(org_id: str, dataset_id: str, updated_at: datetime) -> dict[str, str]:
    """gsi1: the organisation's datasets by last update (left off a deleted dataset)."""
    return {
        "gsi1pk": org_datasets_partition(org_id),
        "gsi1sk": f"{format_datetime(updated_at)}#{dataset_id}",
    }


def version_key(org_id: str, dataset_id: str, number: int) -> dict[str, str]:
    return {"pk": dataset_partition(org_id, dataset_id), "sk": f"{VERSION_PREFIX}{number:08d}"}


def usage_prefix(number: int | None = None) -> str:
    return USAGE_PREFIX if number is None else f"{USAGE_PREFIX}{number:08d}#"


def usage_key(org_id: str, dataset_id: str, number: int, run_id: str) -> dict[str, str]:
    return {"pk": dataset_partition(org_id, dataset_id), "sk": f"{usage_prefix(number)}{run_id}"}


def run_partition(org_id: str, run_id: str) -> str:
    return f"ORG#{org_id}#RUN#{run_id}"


def usage_index_keys(org_id: str, dataset_id: str, number: int, run_id: str) -> dict[str, str]:
    """gsi2: the dataset versions a run used, by dataset then version."""
    return {
        "gsi2pk": run_partition(org_id, run_id),
        "gsi2sk": f"DATASET#{dataset_id}#V#{number:08d}",
    }
