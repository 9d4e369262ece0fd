#!/usr/bin/env bash
# The department-view benchmark: TICKETS complaint tickets written by `flowaudit simulate` (seed 7,
# 10 % noise, 2026-10), then, in the same run and interleaved, `flowaudit check` with the
# department view (hand-offs, loop-backs, organisational conformance, repeats, KPIs: the default)
# and with `--conformance-only` (alignments only), each as a whole process under
# `/usr/bin/time -v`, 3 times. Prints min and median wall time, peak memory of each, the time
# ratio (target: at most 1.3x) and the extra memory per event (target: at most 8 bytes).
# Usage: benches/department.sh [TICKETS] [PROCESS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/flowaudit-target}"
tickets="${1:-1000000}"
process="${2:-complaint-linear}"
runs=3
data="$CARGO_TARGET_DIR/bench-data"
log="$data/$process-$tickets-seed7.csv"
mkdir -p "$data"
cargo build --release --locked --quiet
fa="$CARGO_TARGET_DIR/release/flowaudit"
[ -x /usr/bin/time ] || { echo "department.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
if [ ! -s "$log" ]; then
  "$fa" simulate --process "$process" --cases "$tickets" --seed 7 --noise 0.1 --month 2026-10 -o "$log"
fi
events=$(($(wc -l <"$log") - 1))
echo "log: $log ($events events, $tickets tickets)"
cat "$log" >/dev/null # warm the page cache

# run CMD...: sets secs and kib (wall time, peak resident memory) of CMD; a failing CMD stops.
run() {
  local report
  report=$(/usr/bin/time -v "$@" 2>&1 >/dev/null | tail -n 30)
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' <<<"$report")
  kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' <<<"$report")
}
full=() only=() full_kib=0 only_kib=0
for ((i = 0; i < runs; i++)); do
  run "$fa" check --process "$process" --log "$log"
  full+=("$secs"); full_kib=$kib
  run "$fa" check --process "$process" --log "$log" --conformance-only
  only+=("$secs"); only_kib=$kib
done
stats() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {printf "%.3f %.3f", v[1], v[int((NR + 1) / 2)]}'; }
read -r full_min full_med <<<"$(stats "${full[@]}")"
read -r only_min only_med <<<"$(stats "${only[@]}")"
printf '%-44s min %8.3f s   median %8.3f s   peak %7.1f MiB\n' "check (with the department view)" "$full_min" "$full_med" "$(awk -v k="$full_kib" 'BEGIN {print k / 1024}')"
printf '%-44s min %8.3f s   median %8.3f s   peak %7.1f MiB\n' "check --conformance-only" "$only_min" "$only_med" "$(awk -v k="$only_kib" 'BEGIN {print k / 1024}')"
awk -v a="$full_med" -v b="$only_med" -v fk="$full_kib" -v ok="$only_kib" -v e="$events" 'BEGIN {
  r = a / b; m = (fk - ok) * 1024 / e
  printf "time: %.2fx (target <= 1.3x: %s); memory: %+.1f bytes per event (target <= 8: %s)\n", r, (r <= 1.3 ? "met" : "NOT met"), m, (m <= 8 ? "met" : "NOT met")
}'
