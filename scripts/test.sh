#!/usr/bin/env bash
# Set up and run the whole test suite (slow tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_chromium.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest -q "$@"
