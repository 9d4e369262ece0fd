#!/usr/bin/env python3
"""Optimal alignments with PM4Py, timed: the third column of benches/peer/run.sh.

Usage: pm4py_align.py LOG.xes[.gz] NET.pnml OUT.csv

Reads the log (as PM4Py's event log, traces in file order) and the net, aligns every trace with
PM4Py's default alignment variant in one process (no multiprocessing), writes OUT.csv with
`case_id,cost` where cost is the number of deviations (PM4Py's raw cost // 10000: log moves plus
visible model moves; silent moves cost 1 each and drop out), and prints one JSON line with the
import and alignment times. Run it with the venv of setup-pm4py.sh.
"""
import csv
import json
import sys
import time


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    log_path, net_path, out_path = sys.argv[1:]
    t0 = time.perf_counter()
    import pm4py  # importing PM4Py itself takes seconds: reported apart

    t1 = time.perf_counter()
    log = pm4py.read_xes(log_path, return_legacy_log_object=True)
    net, im, fm = pm4py.read_pnml(net_path)
    t2 = time.perf_counter()
    aligned = pm4py.conformance_diagnostics_alignments(log, net, im, fm, multi_processing=False)
    t3 = time.perf_counter()

    failed = 0
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["case_id", "cost"])
        for trace, a in zip(log, aligned):
            case = trace.attributes.get("concept:name", "")
            if a is None or a.get("cost") is None:
                failed += 1
                w.writerow([case, ""])
            else:
                w.writerow([case, int(a["cost"]) // 10000])
    print(
        json.dumps(
            {
                "tool": f"pm4py {pm4py.__version__}",
                "module_import_s": round(t1 - t0, 6),
                "import_s": round(t2 - t1, 6),
                "align_s": round(t3 - t2, 6),
                "cases": len(log),
                "failed_cases": failed,
            }
        )
    )


if __name__ == "__main__":
    main()
