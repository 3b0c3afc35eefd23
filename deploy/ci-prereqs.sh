#!/usr/bin/env bash
# Installs what the test suite needs on a fresh CI machine (idempotent, quiet when already there).
set -euo pipefail
# The staff console's browser tests drive Debian's Chromium (Playwright never downloads a browser here).
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
exit 0
