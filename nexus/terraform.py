"""Runs the real Terraform configuration (deploy/terraform) against a local endpoint.

Used by the dev runner (tables for the embedded endpoint), the infra tier and the
integration tier (which runs the adapter tests against what Terraform created)::

    from nexus.embedded import moto_server
    from nexus.terraform import TerraformHarness

    with moto_server() as endpoint, TerraformHarness.prepare() as tf:
        outputs = tf.apply_local(endpoint)            # every feature on
        outputs["table_names"]["projects"]             # -> "ainw-local-projects"

Nothing is written into the repository: `prepare()` copies `deploy/terraform`
and `deploy/tables` into a temporary directory (keeping the `../tables`
relative path) and runs `terraform init -backend=false -plugin-dir=<mirror>`
there, so `.terraform/`, the lock file and every state file live in the temp
directory. The provider comes from the local plugin mirror
(`NEXUS_TF_PLUGIN_DIR`, default `/opt/tf-plugins`); nothing is downloaded.
Every apply/plan passes `-var local_endpoint=<endpoint>`, so no AWS call leaves
the machine.

Module-level shortcuts `apply_local(...)` and `plan_json(...)` use one shared,
lazily prepared harness (cleaned up at interpreter exit).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.dynamodb.catalog import FEATURES

REPO_ROOT = Path(__file__).resolve().parents[1]
TERRAFORM_DIR = REPO_ROOT / "deploy" / "terraform"
TABLES_DIR = REPO_ROOT / "deploy" / "tables"
DEFAULT_PLUGIN_DIR = "/opt/tf-plugins"


class TerraformError(RuntimeError):
    def __init__(self, args: list[str], proc: subprocess.CompletedProcess[str]):
        self.proc = proc
        super().__init__(
            f"terraform {' '.join(args)} failed with exit {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}"
        )


def plugin_dir() -> Path:
    """The local provider mirror (env NEXUS_TF_PLUGIN_DIR, default /opt/tf-plugins)."""
    path = Path(os.environ.get("NEXUS_TF_PLUGIN_DIR", DEFAULT_PLUGIN_DIR))
    if not path.is_dir():
        raise FileNotFoundError(
            f"Terraform plugin mirror not found at {path}; set NEXUS_TF_PLUGIN_DIR"
        )
    return path


def terraform_available() -> bool:
    """Terraform on PATH and the AWS provider in the local mirror: nothing would download."""
    mirror = Path(os.environ.get("NEXUS_TF_PLUGIN_DIR", DEFAULT_PLUGIN_DIR))
    provider = mirror.glob("registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws*")
    return shutil.which(os.environ.get("NEXUS_TERRAFORM", "terraform")) is not None and any(
        True for _ in provider
    )


def terraform_binary() -> str:
    binary = os.environ.get("NEXUS_TERRAFORM", "terraform")
    found = shutil.which(binary)
    if not found:
        raise FileNotFoundError(f"terraform binary {binary!r} not on PATH")
    return found


def flag_vars(features: Iterable[str] | None) -> dict[str, bool]:
    """`-var` values for the feature flags: every flag set explicitly (None = all on)."""
    wanted = set(FEATURES if features is None else features) - {"base"}
    unknown = wanted - set(FEATURES)
    if unknown:
        raise ValueError(f"unknown features: {sorted(unknown)}")
    return {f"deploy_{f}": f in wanted for f in FEATURES}


def _hcl_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    return json.dumps(value)


@dataclass
class TerraformHarness:
    """A temporary, initialised copy of deploy/terraform (+ deploy/tables)."""

    root: Path
    owns_root: bool = True
    _env: dict[str, str] = field(default_factory=dict)

    # -- construction -------------------------------------------------------

    @classmethod
    def prepare(cls, base_dir: Path | None = None) -> TerraformHarness:
        """Copy the configuration to a temp dir and run `terraform init` offline."""
        root = Path(tempfile.mkdtemp(prefix="nexus-tf-", dir=base_dir))
        ignore = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*")
        shutil.copytree(TERRAFORM_DIR, root / "deploy" / "terraform", ignore=ignore)
        shutil.copytree(TABLES_DIR, root / "deploy" / "tables")
        mirror = plugin_dir()
        cli_config = root / "terraformrc"
        cli_config.write_text(
            "disable_checkpoint = true\n"
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n'
            "}\n"
        )
        harness = cls(root=root)
        harness._env = {
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "TF_DATA_DIR": str(root / "tf-data"),
            # Fake credentials and no instance metadata: nothing reaches AWS.
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        try:
            harness.run("init", "-backend=false", f"-plugin-dir={mirror}", "-no-color")
        except Exception:
            harness.cleanup()
            raise
        return harness

    def cleanup(self) -> None:
        if self.owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> TerraformHarness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    @property
    def config_dir(self) -> Path:
        return self.root / "deploy" / "terraform"

    def state_path(self, name: str = "default") -> Path:
        """A named state file inside the temp dir (one per independent deployment)."""
        return self.root / "state" / f"{name}.tfstate"

    # -- running terraform --------------------------------------------------

    def run(
        self, *args: str, check: bool = True, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **self._env}
        # Never let an outer AWS profile/endpoint configuration leak in.
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
            env.pop(name, None)
        cmd = [terraform_binary(), f"-chdir={self.config_dir}", *args]
        proc = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and proc.returncode != 0:
            raise TerraformError(list(args), proc)
        return proc

    def fmt_check(self) -> subprocess.CompletedProcess[str]:
        return self.run("fmt", "-check", "-recursive", "-diff", "-no-color", check=False)

    def validate(self) -> dict[str, Any]:
        proc = self.run("validate", "-json", "-no-color", check=False)
        return json.loads(proc.stdout)

    @staticmethod
    def _var_args(variables: Mapping[str, Any]) -> list[str]:
        return [f"-var={k}={_hcl_value(v)}" for k, v in variables.items()]

    def _var_file(self, var_file: str) -> str:
        path = Path(var_file)
        if not path.is_absolute():
            if not path.parent.parts:  # "prod" or "prod.tfvars"
                path = Path("environments") / path
            if path.suffix != ".tfvars":
                path = path.with_suffix(".tfvars")
            path = self.config_dir / path
        if not path.is_file():
            raise FileNotFoundError(path)
        return str(path)

    def apply(
        self,
        var_file: str,
        variables: Mapping[str, Any] | None = None,
        *,
        state: str = "default",
        parallelism: int = 32,
    ) -> dict[str, Any]:
        """`terraform apply -auto-approve` and return the outputs as plain values."""
        state_file = self.state_path(state)
        state_file.parent.mkdir(parents=True, exist_ok=True)
        self.run(
            "apply",
            "-auto-approve",
            "-no-color",
            f"-parallelism={parallelism}",
            f"-state={state_file}",
            f"-var-file={self._var_file(var_file)}",
            *self._var_args(variables or {}),
        )
        return self.outputs(state=state)

    def outputs(self, *, state: str = "default") -> dict[str, Any]:
        proc = self.run("output", "-json", "-no-color", f"-state={self.state_path(state)}")
        # Outputs whose value is null are absent from `terraform output -json`.
        return {k: v["value"] for k, v in json.loads(proc.stdout).items()}

    def destroy(
        self, var_file: str, variables: Mapping[str, Any] | None = None, *, state: str = "default"
    ) -> None:
        self.run(
            "destroy",
            "-auto-approve",
            "-no-color",
            "-parallelism=32",
            f"-state={self.state_path(state)}",
            f"-var-file={self._var_file(var_file)}",
            *self._var_args(variables or {}),
        )

    def plan_json(
        self,
        var_file: str,
        overrides: Mapping[str, Any] | None = None,
        *,
        state: str | None = None,
        parallelism: int = 32,
    ) -> dict[str, Any]:
        """Plan (against `state`, or an empty state when None) and return `terraform show -json`.

        Pass `local_endpoint` in `overrides` for any var file other than
        local.tfvars, so the plan's refresh and data sources stay on the machine.
        """
        plan_dir = Path(tempfile.mkdtemp(prefix="plan-", dir=self.root))
        plan_file = plan_dir / "out.tfplan"
        state_file = self.state_path(state) if state else plan_dir / "empty.tfstate"
        self.run(
            "plan",
            "-input=false",
            "-no-color",
            f"-parallelism={parallelism}",
            f"-state={state_file}",
            f"-out={plan_file}",
            f"-var-file={self._var_file(var_file)}",
            *self._var_args(overrides or {}),
        )
        proc = self.run("show", "-json", "-no-color", str(plan_file))
        shutil.rmtree(plan_dir, ignore_errors=True)
        return json.loads(proc.stdout)

    def apply_local(
        self,
        endpoint_url: str,
        *,
        features: Iterable[str] | None = None,
        prefix: str = "ainw",
        environment: str = "local",
        state: str | None = None,
        extra_vars: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Apply environments/local.tfvars against `endpoint_url` and return the outputs.

        `features=None` turns every feature on; otherwise exactly the given
        features (base is always deployed). The state is kept per
        (prefix, environment) unless `state` names one.
        """
        variables: dict[str, Any] = {
            "local_endpoint": endpoint_url,
            "name_prefix": prefix,
            "environment": environment,
            **flag_vars(features),
            **(extra_vars or {}),
        }
        return self.apply("local", variables, state=state or f"{prefix}-{environment}")


def read_tfvars(env: str) -> dict[str, Any]:
    """The `name = value` lines of environments/<env>.tfvars (bools, numbers, strings)."""
    values: dict[str, Any] = {}
    for line in (TERRAFORM_DIR / "environments" / f"{env}.tfvars").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" not in line:
            continue
        name, raw = (part.strip() for part in line.split("=", 1))
        if raw in ("true", "false"):
            values[name] = raw == "true"
        elif raw.startswith('"') and raw.endswith('"'):
            values[name] = raw[1:-1]
        else:
            try:
                values[name] = int(raw)
            except ValueError:
                values[name] = raw
    return values


# -- module-level shortcuts ----------------------------------------------------


_shared: TerraformHarness | None = None


def shared_harness() -> TerraformHarness:
    """One initialised harness per process (removed at interpreter exit)."""
    global _shared
    if _shared is None:
        _shared = TerraformHarness.prepare()
        atexit.register(_shared.cleanup)
    return _shared


def apply_local(
    endpoint_url: str,
    *,
    features: Iterable[str] | None = None,
    prefix: str = "ainw",
    environment: str = "local",
) -> dict[str, Any]:
    """Apply local.tfvars against `endpoint_url` with the shared harness; return outputs."""
    return shared_harness().apply_local(
        endpoint_url, features=features, prefix=prefix, environment=environment
    )


def plan_json(var_file: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Plan `var_file` (e.g. "prod") from an empty state with the shared harness."""
    return shared_harness().plan_json(var_file, overrides)
