#!/usr/bin/env bash
# The side-by-side peer benchmark: flowaudit check, the process_mining crate (peer-harness, no
# state budget) and optionally PM4Py on the reference log/net pairs, each under /usr/bin/time -v
# (max RSS; wall time by the shell's clock) and a time limit; per-case costs compared with each
# other and with the reference results. Prints a Markdown table and keeps every output in a
# results folder.
#
# Usage: benches/peer/run.sh [--pm4py] [--pm4py-bpic2012] [--timeout S] [--runs N] [PAIR ...]
#   PAIR: running-example receipt receipt-imf20 helpdesk a12 (= a12f0n00 a12f0n10 a12f0n50) bpic2012
#         permit (BPI Challenge 2020 travel permits, IMf 0.2) permit-long and permit-long2 (the
#         permit net with long noisy traces made by long_log.py: 50 traces of 100-1,000 events at
#         10 % noise, seed 1; 40 of 300-1,000 at 20 %, seed 2; kept in $CARGO_TARGET_DIR/bench-data)
#         bpic2012-noisy (the BPIC 2012 net with 60 made traces of 60-800 events at 40 % noise, seed 4)
#         (default: all of them)
#   --pm4py           also run PM4Py (venv of setup-pm4py.sh; made if missing), never on bpic2012 and permit* ...
#   --pm4py-bpic2012  ... unless this is given too (PM4Py did not finish it in 23 minutes)
#   --timeout S       time limit of each tool run, in seconds (default 300); past it: "timeout"
#   --runs N          runs per tool and pair; wall time is the median, RSS the largest (default 1)
# Environment: CARGO_TARGET_DIR (flowaudit build, default ~/.cache/flowaudit-target),
#   PEER_HARNESS_TARGET_DIR (default ~/.cache/peer-harness-target), PM4PY_VENV (default
#   benches/peer/.venv), FLOWAUDIT_REFERENCE (default ../shared/reference beside the repository),
#   PEER_RESULTS_DIR (default $CARGO_TARGET_DIR/peer-results).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/benches/peer"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/flowaudit-target}"
harness_target="${PEER_HARNESS_TARGET_DIR:-$HOME/.cache/peer-harness-target}"
venv="${PM4PY_VENV:-$here/.venv}"
ref="${FLOWAUDIT_REFERENCE:-$root/../shared/reference}"

usage() { sed -n '2,/^set -euo/p' "$here/run.sh" | sed '$d' | sed 's/^# \{0,1\}//'; }
pm4py=0 pm4py_bpic=0 timeout_s=300 runs=1 pairs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --pm4py) pm4py=1 ;;
    --pm4py-bpic2012) pm4py=1 pm4py_bpic=1 ;;
    --timeout) timeout_s="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    a12) pairs+=(a12f0n00 a12f0n10 a12f0n50) ;;
    *) pairs+=("$1") ;;
  esac
  shift
done
[ ${#pairs[@]} -gt 0 ] || pairs=(running-example receipt receipt-imf20 helpdesk a12f0n00 a12f0n10 a12f0n50 bpic2012 permit permit-long permit-long2 bpic2012-noisy)
data="$CARGO_TARGET_DIR/bench-data"

# log net reference reference-column reference-name, per pair.
pair_files() {
  case "$1" in
    running-example) echo "running-example/running-example.xes running-example/running-example.pnml running-example/pm4py_per_trace.csv" ;;
    receipt) echo "receipt/receipt.xes.gz receipt/receipt_im.pnml receipt/pm4py_per_trace.csv" ;;
    receipt-imf20) echo "receipt/receipt.xes.gz receipt-imf20/receipt_imf20.pnml receipt-imf20/pm4py_per_trace.csv" ;;
    helpdesk) echo "helpdesk/helpdesk.xes.gz helpdesk/helpdesk_imf20.pnml helpdesk/pm4py_per_trace.csv" ;;
    a12f0n00 | a12f0n10 | a12f0n50) echo "a12/$1.xes.gz a12/a12.pnml a12/$1/pm4py_per_trace.csv" ;;
    bpic2012) echo "bpic2012/bpic2012.xes.gz bpic2012/bpic2012_imf20.pnml bpic2012/process_mining_per_trace.csv" ;;
    permit) echo "permit-imf20/permit_1t_per_variant.xes.gz permit-imf20/permit_imf20.pnml permit-imf20/process_mining_per_trace.csv" ;;
    # Made logs (no stored reference: the crate's costs in the same run are the check).
    permit-long) echo "@permit-long.xes.gz permit-imf20/permit_imf20.pnml -" ;;
    permit-long2) echo "@permit-long2.xes.gz permit-imf20/permit_imf20.pnml -" ;;
    bpic2012-noisy) echo "@bpic2012-noisy.xes.gz bpic2012/bpic2012_imf20.pnml -" ;;
    *) return 1 ;;
  esac
}
for p in "${pairs[@]}"; do
  pair_files "$p" >/dev/null || { echo "run.sh: unknown pair $p" >&2; usage >&2; exit 2; }
done
[ -d "$ref" ] || { echo "run.sh: no reference data at $ref (set FLOWAUDIT_REFERENCE)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "run.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

echo "building flowaudit and peer-harness (release) ..." >&2
cargo build --release --locked --quiet
CARGO_TARGET_DIR="$harness_target" cargo build --release --locked --quiet --manifest-path "$here/harness/Cargo.toml"
fa="$CARGO_TARGET_DIR/release/flowaudit"
harness="$harness_target/release/peer-harness"
if [ "$pm4py" = 1 ]; then "$here/setup-pm4py.sh" "$venv" >&2; fi

out="${PEER_RESULTS_DIR:-$CARGO_TARGET_DIR/peer-results}/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
echo "results in $out" >&2
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# json FILE KEY: a top-level field of the last JSON line of FILE ("" when absent or null).
json() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
try:
    lines = [l for l in open(sys.argv[1]) if l.strip()]
    text = open(sys.argv[1]).read()
    try:
        doc = json.loads(text)
    except ValueError:
        doc = json.loads(lines[-1])
    v = doc.get(sys.argv[2])
    print("" if v is None else v)
except Exception:
    print("")
EOF
}

# measure TAG CMD...: runs CMD $runs times under /usr/bin/time -v and the time limit; sets
# wall (median seconds), rss (largest MiB) and status (ok | timeout | exit N). Keeps the last
# run's stdout, stderr and time report as $out/TAG.{out,err,time}.
measure() {
  local tag="$1"; shift
  local walls=() rc i w t0 t1
  rss=0 status=ok
  for ((i = 0; i < runs; i++)); do
    rc=0
    t0=$EPOCHREALTIME
    /usr/bin/time -v -o "$out/$tag.time" timeout "$timeout_s" "$@" >"$out/$tag.out" 2>"$out/$tag.err" || rc=$?
    t1=$EPOCHREALTIME
    # Wall time from the shell's microsecond clock: time -v's own figure has 10 ms steps.
    w=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')
    walls+=("$w")
    rss=$(awk -v r="$rss" '/Maximum resident set size/ {m = $NF / 1024; if (m > r) r = m} END {printf "%.0f", r}' "$out/$tag.time")
    case "$rc" in
      0) ;;
      124) status=timeout; break ;;
      *) status="exit $rc"; break ;;
    esac
  done
  wall=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
}

secs() { awk -v s="$1" 'BEGIN {if (s < 1) printf "%.3f s", s; else if (s < 10) printf "%.2f s", s; else printf "%.1f s", s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "n/a"}'; }

table="$out/table.md"
notes="$out/notes.md"
{
  echo "| pair | cases | flowaudit wall | crate wall | crate align | PM4Py wall | ratio crate/flowaudit | ratio PM4Py/flowaudit | flowaudit RSS | crate RSS | costs agree |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$table"
: >"$notes"
overall=0

# make_long PAIR: the long-trace log of a made pair, generated once into $data.
make_long() {
  local args net=permit-imf20/permit_imf20.pnml
  case "$1" in
    permit-long) args="--traces 50 --min-len 100 --max-len 1000 --noise 0.1 --seed 1" ;;
    permit-long2) args="--traces 40 --min-len 300 --max-len 1000 --noise 0.2 --seed 2" ;;
    bpic2012-noisy) args="--traces 60 --min-len 60 --max-len 800 --noise 0.4 --seed 4" net=bpic2012/bpic2012_imf20.pnml ;;
  esac
  mkdir -p "$data"
  # shellcheck disable=SC2086
  [ -s "$data/$1.xes.gz" ] || python3 "$here/long_log.py" "$ref/$net" "$data/$1.xes.gz" $args >&2
}

for p in "${pairs[@]}"; do
  read -r log net refcsv <<<"$(pair_files "$p")"
  if [ "${log#@}" != "$log" ]; then
    make_long "$p"
    log="$data/${log#@}"
  else
    log="$ref/$log"
  fi
  net="$ref/$net"
  if [ "$refcsv" = - ]; then refcsv=""; else refcsv="$ref/$refcsv"; fi
  refname="PM4Py ref"
  case "$p" in bpic2012 | permit) refname="crate ref" ;; esac
  echo "== $p" >&2

  measure "$p.flowaudit" "$fa" check --process "$net" --log "$log" --per-trace "$out/$p.flowaudit.csv" --format json
  fa_status=$status fa_wall=$wall fa_rss=$rss
  fa_cases=$(json "$out/$p.flowaudit.out" cases)
  fa_nc=$(json "$out/$p.flowaudit.out" not_computed)

  measure "$p.crate" "$harness" align --pnml "$net" --log "$log" --budget none --out "$out/$p.crate.csv"
  pm_status=$status pm_wall=$wall pm_rss=$rss
  pm_align=$(json "$out/$p.crate.out" align_s)
  pm_cases=$(json "$out/$p.crate.out" cases)
  pm_failed=$(json "$out/$p.crate.out" failed_variants)
  pm_states=$(json "$out/$p.crate.out" states)

  py_cell="not run" py_ratio="n/a"
  if [ "$pm4py" = 1 ] && { case "$p" in bpic2012 | permit*) false ;; esac || [ "$pm4py_bpic" = 1 ]; }; then
    measure "$p.pm4py" "$venv/bin/python" "$here/pm4py_align.py" "$log" "$net" "$out/$p.pm4py.csv"
    if [ "$status" = ok ]; then
      py_cell="$(secs "$wall") (align $(secs "$(json "$out/$p.pm4py.out" align_s)"))"
      py_ratio=$([ "$fa_status" = ok ] && ratio "$wall" "$fa_wall" || echo n/a)
    else
      py_cell="$status (> $(secs "$wall"))"
      [ "$status" = timeout ] && py_cell="timeout (${timeout_s} s)"
    fi
  fi

  # Costs: flowaudit against the crate and against the reference.
  agree=""
  if [ "$fa_status" = ok ]; then
    if [ "$pm_status" = ok ]; then
      a=$(python3 "$here/compare.py" "$out/$p.flowaudit.csv" "$out/$p.crate.csv" 2>>"$notes") || overall=1
      agree="vs crate $a"
    fi
    if [ -n "$refcsv" ]; then
      a=$(python3 "$here/compare.py" "$out/$p.flowaudit.csv" "$refcsv" --other-col alignment_deviations 2>>"$notes") || overall=1
      agree="${agree:+$agree; }vs $refname $a"
    fi
  else
    agree="n/a (flowaudit $fa_status)"
  fi
  # CPU time (user + system) of the last run: flowaudit aligns on one core, the crate on all.
  cpu() { awk '/User time|System time/ {s += $NF} END {printf "%.2f s", s}' "$out/$1.time"; }
  cpu_note="- $p: CPU time (user + system, last run): flowaudit $(cpu "$p.flowaudit"), crate $(cpu "$p.crate")"
  [ -s "$out/$p.pm4py.time" ] && cpu_note="$cpu_note, PM4Py $(cpu "$p.pm4py")"
  echo "$cpu_note" >>"$notes"
  # The peers against the reference too, for the notes.
  if [ "$pm_status" = ok ] && [ -n "$refcsv" ]; then
    a=$(python3 "$here/compare.py" "$out/$p.crate.csv" "$refcsv" --other-col alignment_deviations 2>>"$notes") || true
    echo "- $p: crate vs $refname $a; crate settled ${pm_states:-?} states, ${pm_failed:-?} variants failed" >>"$notes"
  fi
  if [ -s "$out/$p.pm4py.csv" ] && [ -n "$refcsv" ]; then
    a=$(python3 "$here/compare.py" "$out/$p.pm4py.csv" "$refcsv" --other-col alignment_deviations 2>>"$notes") || true
    echo "- $p: PM4Py (this run) vs $refname $a" >>"$notes"
  fi

  if [ "$fa_status" = ok ]; then
    fa_cell="$(secs "$fa_wall")"
    [ -n "$fa_nc" ] && [ "$fa_nc" != 0 ] && fa_cell="$fa_cell ($fa_nc not computed)"
    fa_rss_cell="$fa_rss MiB"
    pm_ratio=$([ "$pm_status" = ok ] && ratio "$pm_wall" "$fa_wall" || echo n/a)
  else
    fa_cell="$fa_status"
    [ "$fa_status" = timeout ] && fa_cell="timeout (${timeout_s} s)"
    fa_rss_cell="($fa_rss MiB at stop)"
    pm_ratio="n/a"
  fi
  if [ "$pm_status" = ok ]; then
    pm_cell="$(secs "$pm_wall")"
    [ -n "$pm_failed" ] && [ "$pm_failed" != 0 ] && pm_cell="$pm_cell ($pm_failed variants failed)"
    pm_align_cell="$(secs "$pm_align")"
    pm_rss_cell="$pm_rss MiB"
  else
    pm_cell="$pm_status"
    [ "$pm_status" = timeout ] && pm_cell="timeout (${timeout_s} s)"
    pm_align_cell="n/a"
    pm_rss_cell="($pm_rss MiB at stop)"
  fi
  cases="${fa_cases:-${pm_cases:-?}}"
  echo "| $p | $cases | $fa_cell | $pm_cell | $pm_align_cell | $py_cell | $pm_ratio | $py_ratio | $fa_rss_cell | $pm_rss_cell | $agree |" >>"$table"
done

{
  echo
  echo "Wall time: the whole process (read log and net, align, write per-case CSV), median of $runs"
  echo "run(s), by the shell's clock; max RSS: /usr/bin/time -v, the largest of the runs. Time limit"
  echo "${timeout_s} s per run. flowaudit check reports no alignment-stage time of its own, so its column is"
  echo "whole-process only; \"crate align\" is the crate's align_variants call alone (peer-harness's"
  echo "JSON). Ratios above 1 mean flowaudit is faster. Load average (1, 5, 15 min) at the start:"
  echo "$load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)."
  echo
  cat "$notes"
} >>"$table"
cat "$table"
echo "results: $out" >&2
exit "$overall"
