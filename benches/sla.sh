#!/usr/bin/env bash
# The time-limits benchmark: TICKETS complaint tickets written by `flowaudit simulate` (seed 7,
# 10 % noise, 2026-10), then, in the same run and interleaved, `flowaudit log stats` of the file
# and `flowaudit sla --process complaint-linear` (limits by tier and class, the early warning,
# bottlenecks), each as a whole process, 3 times. Prints min and median of each and the ratio
# sla / log stats (target: at most 1.5x). Usage: benches/sla.sh [TICKETS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/flowaudit-target}"
tickets="${1:-1000000}"
runs=3
data="$CARGO_TARGET_DIR/bench-data"
log="$data/complaint-linear-$tickets-seed7.csv"
mkdir -p "$data"
cargo build --release --locked --quiet
fa="$CARGO_TARGET_DIR/release/flowaudit"
if [ ! -s "$log" ]; then
  "$fa" simulate --process complaint-linear --cases "$tickets" --seed 7 --noise 0.1 --month 2026-10 -o "$log"
fi
echo "log: $log ($(($(wc -l <"$log") - 1)) events, $tickets tickets)"
cat "$log" >/dev/null # warm the page cache
timed() {
  local t0 t1
  t0=$EPOCHREALTIME
  "$@" >/dev/null
  t1=$EPOCHREALTIME
  elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')
}
stats_runs=() sla_runs=()
for ((i = 0; i < runs; i++)); do
  timed "$fa" log stats --log "$log"
  stats_runs+=("$elapsed")
  timed "$fa" sla --process complaint-linear --log "$log"
  sla_runs+=("$elapsed")
done
stats() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {printf "%.3f %.3f", v[1], v[int((NR + 1) / 2)]}'; }
read -r a_min a_med <<<"$(stats "${stats_runs[@]}")"
read -r b_min b_med <<<"$(stats "${sla_runs[@]}")"
printf '%-44s min %8.3f s   median %8.3f s\n' "flowaudit log stats" "$a_min" "$a_med"
printf '%-44s min %8.3f s   median %8.3f s\n' "flowaudit sla --process complaint-linear" "$b_min" "$b_med"
awk -v a="$b_med" -v b="$a_med" 'BEGIN { r = a / b; printf "sla / log stats: %.2fx (medians); target <= 1.5x: %s\n", r, (r <= 1.5 ? "met" : "NOT met") }'
