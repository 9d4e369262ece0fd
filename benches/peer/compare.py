#!/usr/bin/env python3
"""Per-case cost agreement of two results: how run.sh fills its "costs agree" column.

Usage: compare.py OURS.csv OTHER.csv [--ours-col cost] [--other-col cost] [--show 5]

Both files need a case_id column and a cost column (deviations; a reference's is
`alignment_deviations`). Prints `EQUAL/TOTAL` on stdout, TOTAL being the cases of OTHER.csv; a case
missing from OURS.csv or with an empty cost there (not computed) counts as not equal. The first
differences go to stderr. Exit status 0 when every case is equal, 1 otherwise.
"""
import argparse
import csv
import sys


def load(path, col):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = csv.DictReader(f)
        if col not in (rows.fieldnames or []) or "case_id" not in rows.fieldnames:
            sys.exit(f"{path}: needs columns case_id and {col}; has {rows.fieldnames}")
        out = {}
        for r in rows:
            v = (r[col] or "").strip()
            out[r["case_id"]] = int(float(v)) if v else None
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ours")
    ap.add_argument("other")
    ap.add_argument("--ours-col", default="cost")
    ap.add_argument("--other-col", default="cost")
    ap.add_argument("--show", type=int, default=5)
    a = ap.parse_args()
    ours, other = load(a.ours, a.ours_col), load(a.other, a.other_col)
    equal, shown = 0, 0
    for case, cost in other.items():
        mine = ours.get(case, "missing")
        if cost is not None and mine == cost:
            equal += 1
        elif shown < a.show:
            shown += 1
            print(f"  {a.ours} vs {a.other}: case {case}: {mine} vs {cost}", file=sys.stderr)
    print(f"{equal}/{len(other)}")
    sys.exit(0 if equal == len(other) else 1)


if __name__ == "__main__":
    main()
