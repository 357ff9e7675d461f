#!/usr/bin/env bash
# Set up, ingest the sample corpus into workbench.db and show what it holds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
DB="${WORKBENCH_DB:-workbench.db}"
# Re-running is safe: files already ingested are reported as duplicates.
.venv/bin/workbench --db "$DB" ingest corpus/sources --attributes corpus/manifest.csv || true
.venv/bin/workbench --db "$DB" documents
.venv/bin/workbench --db "$DB" summary
