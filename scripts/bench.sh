#!/usr/bin/env bash
# Measures the codec beside the peer implementations on one shared corpus,
# in one run on this machine (compare ratios, not absolute figures).
#
# Usage: scripts/bench.sh [WORKDIR] [BENCHTIME] [COUNT]
#   WORKDIR   where the peer kit is copied and its corpus generated
#   BENCHTIME go test -benchtime (default 1s)
#   COUNT     go test -count, for benchstat (default 6)
# Needs node (corpus, node peers), npm (crypto-js), php-cli (PHP peer; skipped
# with a note when absent: `apt-get install -y php-cli`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=${1:-$root/.scratch/peer-corpus}
benchtime=${2:-1s}
count=${3:-6}
kit=${PEER_BENCH:-$root/../shared/peer-bench}
benchstat_version=v0.0.0-20260908200009-22c9c6c9d4da

if [ ! -d "$kit" ]; then
	echo "bench: the peer kit is not at $kit; set PEER_BENCH to its folder" >&2
	exit 2
fi
mkdir -p "$work"
if [ ! -f "$work/peer-bench/corpus/meta.json" ]; then
	rm -rf "$work/peer-bench"
	cp -r "$kit" "$work/peer-bench"
	chmod -R u+w "$work/peer-bench"
	(cd "$work/peer-bench" && node corpus/gen.js >/dev/null)
fi
corpus="$work/peer-bench/corpus"
out="$work/results"
mkdir -p "$out"

echo "== Go codec (go test -bench, $count x $benchtime)"
OTTPAY_PEER_CORPUS="$corpus" go test ./codec/ -run '^$' -bench . -benchmem \
	-benchtime "$benchtime" -count "$count" | tee "$out/go.txt"
echo
echo "== benchstat"
go run "golang.org/x/perf/cmd/benchstat@$benchstat_version" "$out/go.txt" | tee "$out/benchstat.txt"

echo
echo "== peers (same machine, same corpus)"
if command -v php >/dev/null 2>&1; then
	(cd "$work/peer-bench" && OTT_CORPUS="$corpus" php php/ott_bench.php bench 0.5 0.2 | grep -v '^RESULT') | tee "$out/php.txt"
else
	echo "php not installed: PHP peer skipped (apt-get install -y php-cli)"
fi
(cd "$work/peer-bench" && node js/node_bench.js --codec node-crypto --mode bench | grep -v '^RESULT') | tee "$out/node.txt"
if (cd "$work/peer-bench" && [ -d node_modules/crypto-js ] || npm ci --silent >/dev/null 2>&1); then
	(cd "$work/peer-bench" && node js/node_bench.js --codec cryptojs --mode bench | grep -v '^RESULT') | tee "$out/cryptojs.txt"
else
	echo "npm ci failed: crypto-js peer skipped"
fi
echo
echo "results in $out"
