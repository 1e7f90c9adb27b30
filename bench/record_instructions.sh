#!/usr/bin/env bash
# Instructions per record decode and encode, counted by callgrind (repeatable whatever else the
# machine is doing), for one or more builds of bench/record_bench.cpp side by side:
#
#   bash bench/record_instructions.sh build/release/bench/record_bench [OTHER_RECORD_BENCH ...]
#
# Each count is (instructions for 11,000 calls - instructions for 1,000 calls) / 10,000, so the
# program's start-up cancels out; the loop's own work (a checksum, the result's destructor) is in it.
set -euo pipefail
command -v valgrind >/dev/null || { echo "record_instructions: valgrind is not installed" >&2; exit 1; }
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" --loop "$2" "$3" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-60s %10s %10s %10s\n' binary "post" "account" "encode"
for bin in "$@"; do
  row=()
  for what in post account encode; do
    a=$(count "$bin" "$what" 1000)
    b=$(count "$bin" "$what" 11000)
    row+=("$(((b - a) / 10000))")
  done
  printf '%-60s %10s %10s %10s\n' "$bin" "${row[@]}"
done
