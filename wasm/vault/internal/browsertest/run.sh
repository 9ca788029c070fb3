#!/bin/sh
# Runs the key vault's tests in headless Chromium against real IndexedDB:
#
#	wasm/vault/internal/browsertest/run.sh [go test flags, e.g. -v -run Upgrade]
#
# It builds wasmbrowsertest from the versions pinned in this directory's
# go.mod (a module of its own, so the project's chromedp stays as it is)
# into $BIN (default: bin/ at the repository root), puts the chromium
# wrapper beside it first on PATH, and runs
#
#	GOOS=js GOARCH=wasm go test -exec wasmbrowsertest ./wasm/vault/
#
# Needs Go and Chromium ($CHROMIUM, default /usr/bin/chromium; on Debian
# `apt-get install -y chromium`). No network beyond the Go module proxy.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
bin=${BIN:-$root/bin}/browsertest
mkdir -p "$bin"
(cd "$here" && go build -o "$bin/wasmbrowsertest" github.com/agnivade/wasmbrowsertest)
cp "$here/chromium" "$bin/chromium"
chmod +x "$bin/chromium"
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "run.sh: no Chromium at ${CHROMIUM:-/usr/bin/chromium}: install it (apt-get install -y chromium) or set CHROMIUM" >&2
	exit 1
fi
# Browser profiles go to a directory of this run's own, removed at the end
# even when a failing test leaves one behind.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vault-browsertest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$root"
PATH="$bin:$PATH" TMPDIR="$tmp" GOOS=js GOARCH=wasm go test -exec "$bin/wasmbrowsertest" "$@" ./wasm/vault/
