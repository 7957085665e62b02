"""The lineage hook experiment tracking calls when a run records dataset versions it used:
each use naming a registered, live dataset of the organisation and one of its versions
(`version` as its number, "3") gets a lineage item, staged in the run's own transaction, so
the dataset's lineage and the run's datasets answer from both ends. A use naming anything
else (a dataset registered elsewhere, an MLflow digest) stays on the run only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from domains.lab.datasets.model import MAX_NUMBER, DatasetUsage
from domains.lab.datasets.ports import DatasetLineage
from domains.shared.ids import is_valid_id


def version_number(raw: str) -> int | None:
    """`3` or `v3` as a version number; None for anything else."""
    text = raw.strip().lower().removeprefix("v")
    if not text.isdigit() or len(text) > 8:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_NUMBER else None


def record_uses(
    lineage: DatasetLineage,
    *,
    org_id: str,
    run_id: str,
    experiment_id: str,
    project_id: str,
    uses: Iterable[tuple[str, str, str]],
    by: str,
    at: datetime,
) -> list[DatasetUsage]:
    """Stage a lineage item for each (dataset id, version, context) that names a registered
    version; the usages staged."""
    staged: dict[tuple[str, int], DatasetUsage] = {}
    for dataset_id, raw_version, context in uses:
        number = version_number(raw_version)
        if number is None or not is_valid_id(dataset_id) or (dataset_id, number) in staged:
            continue
        dataset = lineage.resolve(org_id, dataset_id)
        if dataset is None or number > dataset.latest_version:
            continue
        usage = DatasetUsage(
            org_id=org_id,
            dataset_id=dataset.id,
            number=number,
            run_id=run_id,
            experiment_id=experiment_id,
            run_project_id=project_id,
            dataset_project_id=dataset.project_id,
            dataset_name=dataset.name,
            used_by=by,
            used_at=at,
            context=context,
        )
        lineage.link(usage)
        staged[(dataset.id, number)] = usage
    return list(staged.values())
