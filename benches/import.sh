#!/usr/bin/env bash
# The import benchmark on a simulated month: 1,000,000 complaint tickets (~9 M events) written by
# `flowaudit simulate`, then a bare csv-crate ByteRecord scan and flowaudit's full import of that
# file, measured in the same run (see benches/import.rs). Usage: benches/import.sh [TICKETS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/flowaudit-target}"
tickets="${1:-1000000}"
data="$CARGO_TARGET_DIR/bench-data"
log="$data/complaint-linear-$tickets.csv"
mkdir -p "$data"
cargo build --release --locked --quiet
if [ ! -s "$log" ]; then
  /usr/bin/time -f "simulate: %e s wall, %M KiB max RSS" \
    "$CARGO_TARGET_DIR/release/flowaudit" simulate --process complaint-linear --cases "$tickets" \
    --seed 1 --noise 0.1 --month 2026-10 -o "$log"
fi
cargo bench --locked --quiet --bench import -- "$log"
