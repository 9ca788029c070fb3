#!/usr/bin/env bash
# Runs the tests that need a real browser but are not plain `go test`:
# the key vault's js/wasm tests inside headless Chromium (real IndexedDB).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
	echo "FAIL: chromium is not installed; install it with: apt-get install -y chromium" >&2
	exit 1
fi
echo "test-browser: no browser-only suites wired yet"
