#!/usr/bin/env bash
# Set up and run the whole test suite (slow tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_chromium.sh
bash scripts/install_llm.sh
export HF_HUB_OFFLINE=1
# Two worker processes (pytest-xdist), one test file each at a time: on 2 cores the whole suite takes about
# two thirds of the time of one process. `bash scripts/test.sh -n 0` runs it in one process.
exec .venv/bin/python -m pytest -q -n 2 --dist loadfile "$@"
