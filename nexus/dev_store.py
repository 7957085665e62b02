"""The dev runner's store: load saved data, provision tables, save data at intervals."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from adapters.dynamodb.bootstrap import create_missing, existing_tables
from adapters.dynamodb.catalog import tables_for
from adapters.dynamodb.export import export_tables, import_tables
from nexus.config import NexusConfig
from nexus.container import build_container
from nexus.terraform import TerraformHarness, terraform_available

log = logging.getLogger("nexus.devrun")


class DevStore:
    def __init__(self, cfg: NexusConfig, *, data_dir: Path, work_dir: Path, persist: bool) -> None:
        self._cfg = cfg
        self._data_dir = data_dir
        self._work_dir = work_dir
        self._persist = persist
        gateways = build_container(cfg).gateways
        self._dynamo = gateways.dynamo()
        self._objects = gateways.object_store()
        self._tables = [t.logical_name for t in tables_for(self._cfg.features)]
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Tables first (from saved data's definitions), then the saved items and objects."""
        self._provision()
        self._objects.ensure_bucket()
        if self._persist and (self._data_dir / "dynamodb").exists():
            counts = import_tables(self._dynamo, self._tables, self._data_dir / "dynamodb")
            objects = self._objects.load_dir(self._data_dir / "s3")
            log.info("loaded %d items and %d objects", sum(counts.values()), objects)

    def _provision(self) -> None:
        wanted = {self._dynamo.name(t) for t in self._tables}
        if wanted <= existing_tables(self._dynamo):
            log.info("all %d tables present", len(wanted))
            return
        if (
            terraform_available()
            and self._cfg.dynamodb_endpoint
            and not existing_tables(self._dynamo)
        ):
            log.info("creating tables with terraform apply (environments/local.tfvars)")
            self._work_dir.mkdir(parents=True, exist_ok=True)
            with TerraformHarness.prepare(base_dir=self._work_dir) as terraform:
                terraform.apply_local(
                    self._cfg.dynamodb_endpoint,
                    features=self._cfg.features,
                    prefix=self._cfg.table_prefix,
                    environment=self._cfg.environment,
                    extra_vars={"aws_region": self._cfg.region},
                )
        else:
            created = create_missing(self._dynamo, tables_for(self._cfg.features))
            log.info("created %d tables from deploy/tables", len(created))

    def save(self) -> None:
        if not self._persist:
            return
        with self._lock:
            counts = export_tables(self._dynamo, self._tables, self._data_dir / "dynamodb")
            objects = self._objects.save_dir(self._data_dir / "s3")
        log.info("saved %d items and %d objects", sum(counts.values()), objects)

    def save_every(self, stop: threading.Event, interval: float) -> None:
        while not stop.wait(interval):
            try:
                self.save()
            except Exception:
                log.exception("saving the embedded store failed; will retry")
