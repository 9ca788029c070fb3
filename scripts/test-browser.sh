#!/usr/bin/env bash
# Runs the tests that need a real browser but are not plain `go test`:
# the key vault's js/wasm tests inside headless Chromium (real IndexedDB).
# (The end-to-end suite in e2e/ and the JS API suite are ordinary Go tests
# driving Chromium with chromedp; `go test ./...` runs them.)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "FAIL: chromium is not installed; install it with: apt-get install -y chromium" >&2
	exit 1
fi
exec wasm/vault/internal/browsertest/run.sh -count=1
