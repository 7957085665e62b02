#!/usr/bin/env bash
# Runs every check and every test tier; exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
step() { printf '\n== %s\n' "$*"; }

step "lint: ruff"
$PY -m ruff check .
$PY -m ruff format --check .
step "hexagon: import-linter contracts"
.venv/bin/lint-imports
step "types: mypy on domains and adapters"
$PY -m mypy
step "docs/database-schema.md is generated and current"
$PY -m nexus.schema_doc --check
step "browser: Debian's chromium for the admin tests (Playwright drives it; nothing downloads)"
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium \
    || { $SUDO apt-get update -q && $SUDO env DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -q --no-install-recommends chromium; }
fi
step "redis answers"
bash deploy/scripts/ensure-redis.sh
step "pytest: every tier (a skipped test fails the run: NEXUS_STRICT_TIERS=1)"
NEXUS_STRICT_TIERS=1 $PY -m pytest -q -p no:cacheprovider "$@"
