#!/usr/bin/env bash
# Instructions per measured round, harness vs bare: callgrind totals of K rounds minus 0 rounds.
which=${1:-core}; k=${2:-3}
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null node /work/wt/package/.prof/rounds.mjs "$which" "$1" "$2" 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,; }
base=$(count bare 0); h=$(count harness "$k"); b=$(count bare "$k")
echo "$which: per round harness $(( (h - base) / k )) bare $(( (b - base) / k )) ratio $(echo "scale=3; ($h - $base) / ($b - $base)" | bc)"
