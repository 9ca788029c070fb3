#!/usr/bin/env bash
# Builds and serves the OTT Pay workbench (the browser app under wasm/).
#
#   ./build.sh wasm                  build web/app.wasm and its .br/.gz forms
#   ./build.sh serve [ADDR]          build, then serve on ADDR (default 127.0.0.1:47801)
#   ./build.sh static [DIR] [PREFIX] build, then write a static website to DIR
#                                    (default dist/); PREFIX is the URL path of a
#                                    sub-path deploy, e.g. /ottpay on GitHub Pages
#   ./build.sh bench-browser [N]     app.wasm sizes and load times, cold and
#                                    warm, in headless Chromium (N runs, default 3),
#                                    beside the smallest go-app and Go programs
#   ./build.sh size [FLAGS]          what app.wasm holds by package (code and data),
#                                    beside the same floors, as Markdown tables;
#                                    -funcs 20 adds our 20 largest functions
#                                    (go run ./internal/wasmsize/cmd/wasmsize -h)
#   ./build.sh compress FILE.wasm    write FILE.wasm.br and FILE.wasm.gz
#   ./build.sh wasm-exec             copy Go's wasm_exec.js into web/ (part of wasm)
#
# Needs only Go. Brotli compression uses the `brotli` command, else Node's
# zlib; without either app.wasm is served with gzip only (and says so).
set -euo pipefail

cd "$(dirname "$0")"
GO=${GO:-go}
WEB=${WEB:-web}
WASM=$WEB/app.wasm

log() { printf 'build.sh: %s\n' "$*" >&2; }

# compress_wasm writes FILE.gz and FILE.br next to FILE (default $WASM),
# unless they were already made from a wasm with the same content (builds
# are reproducible, and brotli at its best level takes a while).
compress_wasm() {
	local wasm=${1:-$WASM}
	local sum stamp=$wasm.sum
	sum=$(sha256sum "$wasm" | cut -d' ' -f1)
	if [[ -f $stamp && $(cat "$stamp") == "$sum" && -f $wasm.gz ]] &&
		{ [[ -f $wasm.br ]] || ! have_brotli; }; then
		# Same content as last time: keep the compressed files, newer
		# than the freshly written wasm so the server uses them.
		touch -c "$wasm.gz" "$wasm.br"
		return
	fi
	rm -f "$wasm.gz" "$wasm.br" "$stamp"
	gzip -9 -n -c "$wasm" >"$wasm.gz.$$.tmp" && mv "$wasm.gz.$$.tmp" "$wasm.gz"
	if command -v brotli >/dev/null 2>&1; then
		brotli -q 11 -f -o "$wasm.br.$$.tmp" "$wasm" && mv "$wasm.br.$$.tmp" "$wasm.br"
	elif command -v node >/dev/null 2>&1; then
		node -e '
			const fs = require("fs"), zlib = require("zlib");
			const src = fs.readFileSync(process.argv[1]);
			const out = zlib.brotliCompressSync(src, {params: {
				[zlib.constants.BROTLI_PARAM_QUALITY]: 11,
				[zlib.constants.BROTLI_PARAM_LGWIN]: 24,
				[zlib.constants.BROTLI_PARAM_SIZE_HINT]: src.length}});
			fs.writeFileSync(process.argv[2], out);' "$wasm" "$wasm.br.$$.tmp" && mv "$wasm.br.$$.tmp" "$wasm.br"
	else
		log "no brotli command and no node: $wasm is served with gzip only (apt-get install -y brotli)"
	fi
	# Newer than the wasm, or the server ignores them as stale.
	touch -c "$wasm.gz" "$wasm.br"
	echo "$sum" >"$stamp"
}

have_brotli() { command -v brotli >/dev/null 2>&1 || command -v node >/dev/null 2>&1; }

# copy_wasm_exec copies Go's wasm_exec.js, the loader that starts app.wasm
# in the page, into $WEB: it must come from the Go that builds app.wasm
# (go-app v9 ships an older one), and the server serves this copy.
copy_wasm_exec() {
	local src
	src="$("$GO" env GOROOT)/lib/wasm/wasm_exec.js"
	[[ -f $src ]] || { log "$src not found: is $GO a complete Go installation?"; exit 1; }
	cp "$src" "$WEB/wasm_exec.js.$$.tmp" && mv "$WEB/wasm_exec.js.$$.tmp" "$WEB/wasm_exec.js"
}

build_wasm() {
	GOOS=js GOARCH=wasm "$GO" build -trimpath -ldflags="-s -w" -o "$WASM" ./wasm
	copy_wasm_exec
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
	addr=${1:-127.0.0.1:47801}
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
	"$GO" test -run '^$' -bench Load -benchtime "${1:-3}x" -timeout 60m ./e2e/
	;;
size)
	exec "$GO" run ./internal/wasmsize/cmd/wasmsize -go "$GO" "$@"
	;;
wasm-exec)
	copy_wasm_exec
	;;
compress)
	[[ $# -eq 1 && -f $1 ]] || { echo "usage: ./build.sh compress FILE.wasm" >&2; exit 2; }
	compress_wasm "$1"
	;;
*)
	echo "usage: ./build.sh wasm | serve [addr] | static [dir] [prefix] | bench-browser [runs] | size [-funcs N] | compress file.wasm | wasm-exec" >&2
	exit 2
	;;
esac
