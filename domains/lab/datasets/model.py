"""Datasets' entities and rules (no I/O): a dataset in a project (name unique in the
organisation, case-insensitively), its immutable numbered versions (each with its own S3
location and a SHA-256 checksum), and lineage: which runs used which version."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domains.shared.errors import ValidationFailed

FORMATS = ("csv", "parquet", "json", "jsonl", "tfrecord", "images", "other")
MAX_COLUMNS = 500
MAX_NUMBER = 99_999_999  # versions are keyed V#<n:08d>
MAX_COUNT = 2**63 - 1  # bytes and rows
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$")
COLUMN_RE = re.compile(r"^\S(?:.{0,126}\S)?$")
TYPE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_<>,\[\]() .-]{0,63}$")
S3_URI_RE = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\S{0,1000})?$")
SHA256_RE = re.compile(r"^(?:sha256:)?([0-9a-fA-F]{64})$")


def invalid(field_name: str | list[str | int], message: str) -> ValidationFailed:
    loc = field_name if isinstance(field_name, list) else [field_name]
    return ValidationFailed(message, errors=[{"loc": loc, "msg": message}])


def check_name(raw: str) -> str:
    name = raw.strip()
    if not NAME_RE.match(name):
        raise invalid("name", "1-100 of letters, digits, space . _ -; a letter or digit first")
    return name


def check_text(field_name: str, raw: str, *, high: int = 2000) -> str:
    text = raw.strip()
    if len(text) > high:
        raise invalid(field_name, f"at most {high} characters")
    return text


def check_format(raw: str) -> str:
    if raw not in FORMATS:
        raise invalid("format", f"one of {list(FORMATS)}")
    return raw


def check_s3_uri(raw: str) -> str:
    if not S3_URI_RE.match(raw):
        raise invalid("s3_uri", "an S3 URI: s3://<bucket>/<prefix or key>")
    return raw


def check_checksum(raw: str) -> str:
    """A SHA-256 digest: 64 hex digits (a `sha256:` prefix is accepted), kept lowercase."""
    matched = SHA256_RE.match(raw.strip())
    if not matched:
        raise invalid("checksum", "a SHA-256 digest: 64 hexadecimal digits")
    return matched.group(1).lower()


def check_count(field_name: str, raw: int | None) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_COUNT:
        raise invalid(field_name, "a whole number from 0")
    return raw


@dataclass(frozen=True)
class Column:
    """One column of a dataset's schema: a name and its type (`int64`, `string`,
    `list<float>`, ...), as the producer names them."""

    name: str
    type: str
    description: str = ""


def check_columns(raw: Iterable[Column]) -> tuple[Column, ...]:
    columns = tuple(raw)
    if len(columns) > MAX_COLUMNS:
        raise invalid("columns", f"at most {MAX_COLUMNS} columns")
    found: list[dict[str, object]] = []
    seen: set[str] = set()
    for i, c in enumerate(columns):
        if not COLUMN_RE.match(c.name):
            found.append({"loc": ["columns", i, "name"], "msg": "1-128 characters, no edge spaces"})
        elif c.name in seen:
            found.append({"loc": ["columns", i, "name"], "msg": "a column name appears twice"})
        if not TYPE_RE.match(c.type):
            found.append({"loc": ["columns", i, "type"], "msg": "a type name (int64, string...)"})
        if len(c.description) > 500:
            found.append({"loc": ["columns", i, "description"], "msg": "at most 500 characters"})
        seen.add(c.name)
    if found:
        raise ValidationFailed("the schema is not valid", errors=found)
    return tuple(Column(c.name, c.type, c.description.strip()) for c in columns)


@dataclass(frozen=True)
class Dataset:
    """A registered dataset. Its name (unique in the organisation) and project are fixed once
    registered; the rest is metadata its editors update. Deleting it is soft: `deleted_at` is
    set and the name freed, its versions and lineage stay (runs keep their record)."""

    org_id: str
    id: str
    name: str
    project_id: str
    s3_uri: str
    format: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    tags: frozenset[str] = frozenset()
    columns: tuple[Column, ...] = ()
    size_bytes: int | None = None
    row_count: int | None = None
    latest_version: int = 0
    deleted_at: datetime | None = None
    version: int = 0

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class DatasetVersion:
    """One immutable version: where its data is, its checksum, size, rows and schema."""

    org_id: str
    dataset_id: str
    number: int
    project_id: str
    s3_uri: str
    checksum: str
    created_by: str
    created_at: datetime
    size_bytes: int | None = None
    row_count: int | None = None
    columns: tuple[Column, ...] = ()
    description: str = ""
    version: int = 0


@dataclass(frozen=True)
class VersionDraft:
    """What a caller says about a new version; the dataset numbers and stamps it. Without
    `columns` the version takes the dataset's schema."""

    s3_uri: str
    checksum: str
    size_bytes: int | None = None
    row_count: int | None = None
    columns: tuple[Column, ...] | None = None
    description: str = ""


@dataclass(frozen=True)
class DatasetUsage:
    """Lineage: run `run_id` used version `number` of the dataset. Written by experiment
    tracking when a run records the dataset version (in the run's transaction), read from
    both ends: the dataset's runs, and a run's datasets."""

    org_id: str
    dataset_id: str
    number: int
    run_id: str
    experiment_id: str
    run_project_id: str
    dataset_project_id: str
    dataset_name: str
    used_by: str
    used_at: datetime
    context: str = ""
