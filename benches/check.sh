#!/usr/bin/env bash
# The check benchmark on a simulated month: TICKETS complaint tickets written by `flowaudit
# simulate` (seed 7, 10 % noise, 2026-10), then, in the same run and interleaved, a bare csv-crate
# ByteRecord scan of that file (benches/import.rs --scan-only) and `flowaudit check --process
# complaint-linear --log FILE.csv`, each as a whole process, 3 times. Prints min and median of
# each and the ratio check/scan (target: at most 3x). Usage: benches/check.sh [TICKETS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/flowaudit-target}"
tickets="${1:-100000}"
runs=3
data="$CARGO_TARGET_DIR/bench-data"
log="$data/complaint-linear-$tickets-seed7.csv"
mkdir -p "$data"

cargo build --release --locked --quiet
fa="$CARGO_TARGET_DIR/release/flowaudit"
# The import benchmark's binary, for its bare scan.
scan=$(cargo bench --locked --quiet --bench import --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "import" and m.get("executable"):
        print(m["executable"])')
[ -x "$scan" ] || { echo "check.sh: could not build benches/import.rs" >&2; exit 2; }

if [ ! -s "$log" ]; then
  "$fa" simulate --process complaint-linear --cases "$tickets" --seed 7 --noise 0.1 --month 2026-10 -o "$log"
fi
size=$(stat -c %s "$log")
events=$(($(wc -l <"$log") - 1))
echo "log: $log ($(awk -v s="$size" 'BEGIN {printf "%.1f MB", s / 1e6}'), $events events, $tickets tickets)"

# Warm the page cache so neither side pays for the first read.
"$scan" --scan-only "$log" >/dev/null

# timed CMD...: sets elapsed to the seconds of wall time of CMD (stdout discarded), by the shell's
# microsecond clock; a failing CMD stops the script.
timed() {
  local t0 t1
  t0=$EPOCHREALTIME
  "$@" >/dev/null
  t1=$EPOCHREALTIME
  elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')
}
scans=() checks=()
for ((i = 0; i < runs; i++)); do
  timed "$scan" --scan-only "$log"
  scans+=("$elapsed")
  timed "$fa" check --process complaint-linear --log "$log"
  checks+=("$elapsed")
done
# stats VALUES...: "min median"
stats() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {printf "%.3f %.3f", v[1], v[int((NR + 1) / 2)]}'; }
read -r scan_min scan_med <<<"$(stats "${scans[@]}")"
read -r check_min check_med <<<"$(stats "${checks[@]}")"
printf '%-40s min %8.3f s   median %8.3f s   (%d runs)\n' "bare ByteRecord scan (benches/import.rs)" "$scan_min" "$scan_med" "$runs"
printf '%-40s min %8.3f s   median %8.3f s   (%d runs)\n' "flowaudit check --process complaint-linear" "$check_min" "$check_med" "$runs"
awk -v c="$check_med" -v s="$scan_med" -v cm="$check_min" -v sm="$scan_min" 'BEGIN {
  r = c / s
  printf "check / scan: %.2fx (medians), %.2fx (mins); target <= 3x: %s\n", r, cm / sm, (r <= 3 ? "met" : "NOT met")
}'
