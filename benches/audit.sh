#!/usr/bin/env bash
# The monthly-audit benchmark: a centre month of TICKETS tickets written by `flowaudit simulate
# --touchpoints` (seed 7, 10 % noise, 2026-10), then, in the same run and interleaved, `log stats`
# of the file, `check --process query` of the same file (every ticket aligned against the
# largest process), and the full `audit` (route, check every process, time limits, maps, the
# report in every format), each as a whole process, 3 times, with peak memory. Prints min and
# median of each and the ratio audit / check (target: at most 2x) and the audit's peak memory
# (target: under 1 GiB). Usage: benches/audit.sh [TICKETS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/flowaudit-target}"
tickets="${1:-1000000}"
runs=3
data="$CARGO_TARGET_DIR/bench-data"
log="$data/centre-$tickets-seed7.csv"
mkdir -p "$data"
cargo build --release --locked --quiet
fa="$CARGO_TARGET_DIR/release/flowaudit"
if [ ! -s "$log" ]; then
  "$fa" simulate --touchpoints --cases "$tickets" --seed 7 --noise 0.1 --month 2026-10 -o "$log"
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cat "$log" >/dev/null # warm the page cache
# Runs "$@" once: sets elapsed (s) and peak (KiB).
timed() {
  /usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null 2>"$out/stderr"
  read -r elapsed peak <"$out/time"
}
stats_runs=() check_runs=() audit_runs=() audit_peak=0
for ((i = 0; i < runs; i++)); do
  timed "$fa" log stats --log "$log"
  stats_runs+=("$elapsed")
  timed "$fa" check --process query --log "$log"
  check_runs+=("$elapsed")
  timed "$fa" audit --log "$log" --out "$out/reports" --force
  audit_runs+=("$elapsed")
  audit_peak=$((peak > audit_peak ? peak : audit_peak))
done
stats() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {printf "%.3f %.3f", v[1], v[int((NR + 1) / 2)]}'; }
read -r a_min a_med <<<"$(stats "${stats_runs[@]}")"
read -r c_min c_med <<<"$(stats "${check_runs[@]}")"
read -r d_min d_med <<<"$(stats "${audit_runs[@]}")"
echo "log: $log ($tickets tickets)"
printf '%-40s min %7.3f s   median %7.3f s\n' "flowaudit log stats" "$a_min" "$a_med"
printf '%-40s min %7.3f s   median %7.3f s\n' "flowaudit check --process query" "$c_min" "$c_med"
printf '%-40s min %7.3f s   median %7.3f s\n' "flowaudit audit" "$d_min" "$d_med"
awk -v c="$c_med" -v d="$d_med" -v p="$audit_peak" 'BEGIN {
  printf "audit / check (medians): %.2fx (target: at most 2x); audit peak memory %.0f MiB (target: under 1024)\n", d / c, p / 1024 }'
