#!/usr/bin/env bash
# Set up, ingest the sample corpus into workbench.db and show what it holds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
DB="${WORKBENCH_DB:-workbench.db}"
wb() { .venv/bin/workbench --db "$DB" "$@"; }
document_count() {
  wb summary --json | .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["documents"])'
}
wb init >/dev/null
before=$(document_count)
# Re-running is safe: files already ingested are not stored again, and ingest says so in one line.
wb ingest corpus/sources --attributes corpus/manifest.csv || true
if [ "$(document_count)" != "$before" ]; then
  wb documents
fi
wb summary
