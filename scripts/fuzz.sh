#!/usr/bin/env bash
# Runs every Go fuzz target in the module for the given time (default 5s).
# Usage: scripts/fuzz.sh [FUZZTIME]
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-5s}
status=0
count=0
while IFS= read -r file; do
	dir=$(dirname "$file")
	for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
		count=$((count + 1))
		echo "fuzz ./$dir $target for $fuzztime"
		if ! go test "./$dir" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" >/tmp/fuzz.$$.log 2>&1; then
			cat /tmp/fuzz.$$.log
			echo "FAIL: fuzz target $target in ./$dir found a failing input (saved under ./$dir/testdata/fuzz/$target)"
			status=1
		fi
	done
done < <(grep -rl --include='*_test.go' -E '^func Fuzz' . | grep -v '/.scratch/' | sort)
rm -f /tmp/fuzz.$$.log
if [ "$count" -eq 0 ]; then
	echo "FAIL: no fuzz targets found"
	exit 1
fi
echo "fuzz: $count targets run"
exit $status
