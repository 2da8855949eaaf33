#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests/system/browser), installed only when missing.
# CI runs as root on Debian; Playwright drives this binary, it downloads no browser of its own.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi
chromium --version
