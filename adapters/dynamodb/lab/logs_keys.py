"""The one key builder of `experiment-run-logs` (deploy/tables/ai_lab.json). Every sort key is
the line's position `<received_at>#<log_id>` (see domains.lab.logs.model)."""

from __future__ import annotations

import hashlib


def experiment_partition(org_id: str, experiment_id: str) -> str:
    return f"ORG#{org_id}#EXP#{experiment_id}"


def run_partition(org_id: str, run_id: str) -> str:
    """gsi1: a run's logs."""
    return f"ORG#{org_id}#RUN#{run_id}"


def component_partition(org_id: str, experiment_id: str, component: str) -> str:
    """gsi2: an experiment's logs of one component."""
    return f"{experiment_partition(org_id, experiment_id)}#COMP#{component}"


def severity_partition(org_id: str, severity: str) -> str:
    """gsi3: the organisation's logs at one severity (sort key `EXP#<e>#<position>`)."""
    return f"ORG#{org_id}#SEV#{severity}"


def batch_key(org_id: str, experiment_id: str, key: str) -> dict[str, str]:
    """The claim of a keyed batch's write time (its own partition: never in a log query)."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return {"pk": f"{experiment_partition(org_id, experiment_id)}#BATCH#{digest}", "sk": "BATCH"}
