#!/usr/bin/env bash
# Scan deploy/terraform with checkov.
#
# checkov pins old boto3/networkx/packaging/termcolor and ships its own `hcl2`
# module, so it lives in its own virtualenv (.venv-tools/, git-ignored) and never
# beside the application. The first run installs it from PyPI (slow); later runs
# reuse it. Exit status: 0 when every check passes or is skipped in the code with
# a written reason (#checkov:skip=CKV_...:reason), non-zero otherwise.
#
# Environment:
#   CHECKOV_VERSION   pip requirement for checkov (default: checkov>=3.2,<4)
#   PYTHON            interpreter used to create the venv (default: python3)
#   CHECKOV_VENV      venv location (default: <repo>/.venv-tools)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${CHECKOV_VENV:-$ROOT/.venv-tools}"
PY="${PYTHON:-python3}"
REQ="${CHECKOV_VERSION:-checkov>=3.2,<4}"

if [ ! -x "$VENV/bin/checkov" ]; then
  echo "checkov.sh: installing checkov into $VENV (first run only)" >&2
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
  "$VENV/bin/python" -m pip install --quiet "$REQ" >&2
fi

export BC_SKIP_MAPPING=TRUE
# No telemetry / platform calls; local scan only.
export CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"

exec "$VENV/bin/checkov" \
  --directory "$ROOT/deploy/terraform" \
  --framework terraform \
  --quiet \
  --compact \
  --skip-download \
  "$@"
