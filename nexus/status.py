"""Which features are on and whether their tables exist: feeds /api/health and /api/ready."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.dynamodb.bootstrap import existing_tables
from adapters.dynamodb.catalog import BASE_FEATURE, tables_for
from adapters.dynamodb.client import DynamoClient


@dataclass(frozen=True)
class FeatureTables:
    feature: str
    present: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.missing


class StoreStatus:
    """Compares the tables the enabled features need with the tables the endpoint has."""

    def __init__(self, *, dynamo: DynamoClient, features: tuple[str, ...]) -> None:
        self._dynamo = dynamo
        self._features = features

    def features(self) -> list[FeatureTables]:
        existing = existing_tables(self._dynamo)
        result = []
        for feature in (BASE_FEATURE, *self._features):
            names = [t.logical_name for t in tables_for([feature]) if t.feature == feature]
            present = tuple(n for n in names if self._dynamo.name(n) in existing)
            missing = tuple(n for n in names if self._dynamo.name(n) not in existing)
            result.append(FeatureTables(feature, present, missing))
        return result
