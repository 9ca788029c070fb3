#!/usr/bin/env bash
# Measures the codec beside the peer implementations on one shared corpus,
# interleaved, so that every side sees the same minutes of this shared,
# noisy machine: each of REPS repetitions runs, in an order rotated from
# one repetition to the next,
#   - the Go benchmarks once (go test -bench -count 1, BENCHTIME each),
#   - the PHP peer once (the kit's php/ott_bench.php, BENCHTIME per cell),
#   - the Node peer once (the kit's js/node_bench.js --codec node-crypto),
#   - `ottpay decode` of the kit's 10,000-callback file, the whole process,
#   - scripts/peer/decode_batch.php on the same file, the whole process;
# then it prints the median of every cell and the Go/PHP and Go/Node
# ratios (internal/benchpeer/benchtable), and decode against the MD5 +
# AES-ECB floor measured in the same run (BenchmarkLimit).
#
# Usage: scripts/bench.sh [WORKDIR] [BENCHTIME] [REPS]
#   WORKDIR   where the peer kit is copied and its corpus generated
#             (default .scratch/peer-corpus)
#   BENCHTIME seconds per cell, Go and peers alike (default 0.5)
#   REPS      interleaved repetitions (default 5)
# Needs node (corpus, Node peer) and php-cli with openssl (PHP peers:
# `apt-get update && apt-get install -y php-cli`; without it the PHP
# columns are empty and the script says so). The raw outputs stay in
# WORKDIR/results (the go.*.txt files can be given to benchstat).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=${1:-$root/.scratch/peer-corpus}
benchtime=${2:-0.5}
benchtime=${benchtime%s} # "1s" as the Makefile used to pass it
reps=${3:-5}
kit=${PEER_BENCH:-$root/../shared/peer-bench}
warm=0.2

if [ ! -d "$kit" ]; then
	echo "bench: the peer kit is not at $kit; set PEER_BENCH to its folder" >&2
	exit 2
fi
if ! command -v node >/dev/null 2>&1; then
	echo "bench: node is needed to generate the corpus and run the Node peer" >&2
	exit 2
fi
havephp=1
phpnote="php is not installed: the PHP columns are empty. Install it with: apt-get update && apt-get install -y php-cli"
if ! command -v php >/dev/null 2>&1; then
	havephp=0
	echo "bench: $phpnote" >&2
elif ! php -r 'exit(function_exists("openssl_decrypt") ? 0 : 1);'; then
	havephp=0
	phpnote="php has no openssl extension: the PHP columns are empty (Debian's php-cli has it built in)"
	echo "bench: $phpnote" >&2
fi

mkdir -p "$work"
work=$(cd "$work" && pwd) # the steps below run in other directories
if [ ! -f "$work/peer-bench/corpus/meta.json" ]; then
	rm -rf "$work/peer-bench"
	cp -r "$kit" "$work/peer-bench"
	chmod -R u+w "$work/peer-bench"
	(cd "$work/peer-bench" && node corpus/gen.js >/dev/null)
fi
corpus="$work/peer-bench/corpus"
batch="$corpus/batch10k.jsonl"
batchn=$(grep -c . "$batch")
out="$work/results"
rm -rf "$out"
mkdir -p "$out"
bin="$work/bin"
mkdir -p "$bin"

echo "== building the Go benchmarks, ottpay and the table printer"
go test -c -o "$bin/codec.test" ./codec/
go build -o "$bin/ottpay" ./cmd/ottpay
go build -o "$bin/benchtable" ./internal/benchpeer/benchtable
signkey=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).sign_key)' "$corpus/meta.json")

run_go() {
	(cd codec && OTTPAY_PEER_CORPUS="$corpus" "$bin/codec.test" -test.run '^$' \
		-test.bench '^Benchmark(Encode|Decode|DecodeBatch10k|Limit)$' \
		-test.benchtime "${benchtime}s" -test.count 1 -test.benchmem) >"$out/$1.go.txt"
}
run_php() {
	[ "$havephp" = 1 ] || return 0
	(cd "$work/peer-bench" && OTT_CORPUS="$corpus" php php/ott_bench.php bench "$benchtime" "$warm") >"$out/$1.php.txt"
}
run_node() {
	(cd "$work/peer-bench" && node js/node_bench.js --codec node-crypto --mode bench \
		--corpus "$corpus" --bench-time "$benchtime" --warm-time "$warm") >"$out/$1.node.txt"
}
run_cli_go() {
	OTTPAY_SIGN_KEY="$signkey" "$bin/benchtable" time -cell cli/batch10k -impl go \
		-in "$batch" -lines "$batchn" -- "$bin/ottpay" decode >"$out/$1.cli-go.txt"
}
run_cli_php() {
	[ "$havephp" = 1 ] || return 0
	OTTPAY_SIGN_KEY="$signkey" "$bin/benchtable" time -cell cli/batch10k -impl php-openssl \
		-in "$batch" -lines "$batchn" -- php "$root/scripts/peer/decode_batch.php" >"$out/$1.cli-php.txt"
}

# One untimed pass of each whole-process command: the file in the page
# cache, PHP's and ottpay's executables loaded, for every repetition alike.
OTTPAY_SIGN_KEY="$signkey" "$bin/benchtable" time -cell warm -impl go -in "$batch" -lines "$batchn" -- "$bin/ottpay" decode >/dev/null
if [ "$havephp" = 1 ]; then
	OTTPAY_SIGN_KEY="$signkey" "$bin/benchtable" time -cell warm -impl php -in "$batch" -lines "$batchn" -- php scripts/peer/decode_batch.php >/dev/null
fi

steps=(go php node cli_go cli_php)
for ((r = 0; r < reps; r++)); do
	order=()
	for ((i = 0; i < ${#steps[@]}; i++)); do
		order+=("${steps[(i + r) % ${#steps[@]}]}")
	done
	echo "== repetition $((r + 1)) of $reps: ${order[*]}"
	for s in "${order[@]}"; do
		"run_$s" "rep$r"
	done
done

echo
echo "== medians of $reps interleaved repetitions (BENCHTIME ${benchtime}s per cell; raw outputs in $out)"
"$bin/benchtable" table "$out" | tee "$work/table.md"
if [ "$havephp" = 0 ]; then
	echo
	echo "bench: $phpnote"
fi
