#!/usr/bin/env bash
# Runs every Go fuzz target in the module with the given budget.
# Usage: scripts/fuzz.sh [BUDGET]
#
# BUDGET is a -fuzztime value. The default is a count of executions
# (20000x): a duration such as 5s works too, but Go 1.26's fuzz coordinator
# can then fail a target with a bare "context deadline exceeded" when the
# time runs out while a worker is busy (go.dev/issue/75804, fixed in Go
# 1.27), a failure that has nothing to do with the code under test. A count
# has no deadline to race.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-20000x}
status=0
count=0
log=$(mktemp)
# saved counts the inputs saved for a target (none if no folder yet).
saved() { if [ -d "$1" ]; then find "$1" -type f | wc -l; else echo 0; fi; }
trap 'rm -f "$log"' EXIT
while IFS= read -r file; do
	dir=$(dirname "$file")
	for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
		count=$((count + 1))
		corpus="$dir/testdata/fuzz/$target"
		before=$(saved "$corpus")
		echo "fuzz $dir $target ($budget)"
		if ! go test "./$dir" -run '^$' -fuzz "^${target}\$" -fuzztime "$budget" -timeout 10m >"$log" 2>&1; then
			cat "$log"
			after=$(saved "$corpus")
			if [ "$after" -gt "$before" ]; then
				echo "FAIL: fuzz target $target in $dir found a failing input, saved under $corpus:"
				echo "      reproduce with: go test ./$dir -run '$target/'"
			else
				echo "FAIL: fuzz target $target in $dir stopped with an error and saved no input (see the log above)"
			fi
			status=1
		fi
	done
done < <(grep -rl --include='*_test.go' -E '^func Fuzz' . | grep -v '/.scratch/' | sed 's|^\./||' | sort)
if [ "$count" -eq 0 ]; then
	echo "FAIL: no fuzz targets found"
	exit 1
fi
echo "fuzz: $count targets run"
exit $status
