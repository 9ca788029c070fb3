#!/usr/bin/env bash
# Builds and serves the OTT Pay workbench (the browser app under wasm/).
#
#   ./build.sh wasm                  build web/app.wasm and its .br/.gz forms
#   ./build.sh serve [ADDR]          build, then serve on ADDR (default 127.0.0.1:8080)
#   ./build.sh static [DIR] [PREFIX] build, then write a static website to DIR
#                                    (default dist/); PREFIX is the URL path of a
#                                    sub-path deploy, e.g. /ottpay on GitHub Pages
#   ./build.sh bench-browser [N]     app.wasm sizes and load times, cold and
#                                    warm, in headless Chromium (N runs, default 3)
#
# Needs only Go. Brotli compression uses the `brotli` command, else Node's
# zlib; without either app.wasm is served with gzip only (and says so).
set -euo pipefail

cd "$(dirname "$0")"
GO=${GO:-go}
WEB=web
WASM=$WEB/app.wasm

log() { printf 'build.sh: %s\n' "$*" >&2; }

# compress_wasm writes $WASM.gz and $WASM.br next to $WASM, unless they were
# already made from a wasm with the same content (builds are reproducible,
# and brotli at its best level takes a while).
compress_wasm() {
	local sum stamp=$WASM.sum
	sum=$(sha256sum "$WASM" | cut -d' ' -f1)
	if [[ -f $stamp && $(cat "$stamp") == "$sum" && -f $WASM.gz ]] &&
		{ [[ -f $WASM.br ]] || ! have_brotli; }; then
		# Same content as last time: keep the compressed files, newer
		# than the freshly written app.wasm so the server uses them.
		touch -c "$WASM.gz" "$WASM.br"
		return
	fi
	rm -f "$WASM.gz" "$WASM.br" "$stamp"
	gzip -9 -n -c "$WASM" >"$WASM.gz.$$.tmp" && mv "$WASM.gz.$$.tmp" "$WASM.gz"
	if command -v brotli >/dev/null 2>&1; then
		brotli -q 11 -f -o "$WASM.br.$$.tmp" "$WASM" && mv "$WASM.br.$$.tmp" "$WASM.br"
	elif command -v node >/dev/null 2>&1; then
		node -e '
			const fs = require("fs"), zlib = require("zlib");
			const src = fs.readFileSync(process.argv[1]);
			const out = zlib.brotliCompressSync(src, {params: {
				[zlib.constants.BROTLI_PARAM_QUALITY]: 11,
				[zlib.constants.BROTLI_PARAM_LGWIN]: 24,
				[zlib.constants.BROTLI_PARAM_SIZE_HINT]: src.length}});
			fs.writeFileSync(process.argv[2], out);' "$WASM" "$WASM.br.$$.tmp" && mv "$WASM.br.$$.tmp" "$WASM.br"
	else
		log "no brotli command and no node: app.wasm is served with gzip only (apt-get install -y brotli)"
	fi
	# Newer than app.wasm, or the server ignores them as stale.
	touch -c "$WASM.gz" "$WASM.br"
	echo "$sum" >"$stamp"
}

have_brotli() { command -v brotli >/dev/null 2>&1 || command -v node >/dev/null 2>&1; }

build_wasm() {
	GOOS=js GOARCH=wasm "$GO" build -trimpath -ldflags="-s -w" -o "$WASM" ./wasm
	compress_wasm
	local raw br gz
	raw=$(stat -c %s "$WASM")
	gz=$(stat -c %s "$WASM.gz")
	br=$( [[ -f $WASM.br ]] && stat -c %s "$WASM.br" || echo none)
	log "web/app.wasm: $raw bytes, gzip $gz, brotli $br"
}

cmd=${1:-wasm}
shift || true
case $cmd in
wasm)
	build_wasm
	;;
serve)
	addr=${1:-127.0.0.1:8080}
	build_wasm
	exec "$GO" run ./wasm -addr "$addr"
	;;
static)
	dir=${1:-dist}
	prefix=${2:-}
	build_wasm
	# Start from an empty directory, but never remove one that is not a
	# static website (such as the repository itself).
	if [[ -e $dir && ! -f $dir/app-worker.js ]] && [[ -n $(ls -A "$dir") ]]; then
		log "$dir exists and is not a static website written by this script: pick another directory"
		exit 2
	fi
	rm -rf "$dir"
	"$GO" run ./wasm -static "$dir" -prefix "$prefix"
	;;
bench-browser)
	"$GO" test -run '^$' -bench Load -benchtime "${1:-3}x" ./e2e/
	;;
*)
	echo "usage: ./build.sh wasm | serve [addr] | static [dir] [prefix] | bench-browser [runs]" >&2
	exit 2
	;;
esac
