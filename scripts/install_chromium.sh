#!/usr/bin/env bash
# Install Debian's chromium for the browser test when /usr/bin/chromium is missing (quiet; root or sudo).
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_chromium.sh: no apt-get here; install chromium at /usr/bin/chromium yourself to run the browser test" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
[ -x /usr/bin/chromium ] || { echo "install_chromium.sh: chromium did not install at /usr/bin/chromium" >&2; exit 1; }
