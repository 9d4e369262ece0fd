#!/usr/bin/env python3
"""Long, noisy traces for a Petri net: the hard case of the alignment search, made reproducibly.

Usage: long_log.py NET.pnml OUT.xes.gz [--traces N] [--min-len L] [--max-len M] [--noise P]
                   [--seed S]

Each trace is a run of the net's token game (uniform choice among enabled transitions; the
visible labels fired) that reached the final marking with at least L and at most M events
(runs outside that range are drawn again), then noise: each event is, with probability P,
deleted, swapped with its successor, replaced by another label of the net, or followed by an
inserted label (one of the four, uniformly). The same arguments give the same file, byte for
byte (Python's seeded Mersenne Twister; gzip without a time stamp). Standard library only.

This is how the long-trace pairs of `docs/performance.md` are made: a net discovered from a real
log (e.g. ../shared/reference/permit-imf20/permit_imf20.pnml) with traces far longer and worse
fitting than its log's.
"""
import argparse
import gzip
import random
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr


def local(tag):
    return tag.rsplit("}", 1)[-1]


def read_pnml(path):
    """Places, transitions (label or None, inputs, outputs), initial and final marking."""
    root = ET.parse(path).getroot()
    places, initial, trans, arcs, final = {}, {}, {}, [], {}
    for el in root.iter():
        tag = local(el.tag)
        if tag == "place":
            places[el.get("id")] = len(places)
            for sub in el.iter():
                if local(sub.tag) == "initialMarking":
                    text = next((t.text for t in sub.iter() if local(t.tag) == "text"), "0")
                    initial[el.get("id")] = int(text or 0)
        elif tag == "transition":
            label = None
            for sub in el:
                if local(sub.tag) == "name":
                    label = next((t.text for t in sub.iter() if local(t.tag) == "text"), None)
            silent = any(
                local(sub.tag) == "toolspecific" and sub.get("activity") == "$invisible$" for sub in el.iter()
            )
            trans[el.get("id")] = None if silent else label
        elif tag == "arc":
            weight = 1
            for sub in el.iter():
                if local(sub.tag) == "inscription":
                    weight = int(next((t.text for t in sub.iter() if local(t.tag) == "text"), "1"))
            arcs.append((el.get("source"), el.get("target"), weight))
        elif tag == "finalmarkings":
            for sub in el.iter():
                if local(sub.tag) == "place":
                    text = next((t.text for t in sub.iter() if local(t.tag) == "text"), "0")
                    final[sub.get("idref")] = int(text or 0)
    tids = sorted(trans)
    index = {t: i for i, t in enumerate(tids)}
    inputs = [[] for _ in tids]
    outputs = [[] for _ in tids]
    for s, t, w in arcs:
        if s in places and t in index:
            inputs[index[t]].append((places[s], w))
        elif s in index and t in places:
            outputs[index[s]].append((places[t], w))
    m0 = [0] * len(places)
    for p, k in initial.items():
        m0[places[p]] = k
    mf = [0] * len(places)
    for p, k in final.items():
        mf[places[p]] = k
    return [trans[t] for t in tids], inputs, outputs, m0, mf


def run(net, rng, max_len):
    """A token-game run reaching the final marking, or None past max_len events or 20x steps."""
    labels, inputs, outputs, m0, mf = net
    m = list(m0)
    trace = []
    for _ in range(20 * max_len + 100):
        if m == mf:
            return trace
        enabled = [t for t in range(len(labels)) if all(m[p] >= w for p, w in inputs[t])]
        if not enabled:
            return None
        t = rng.choice(enabled)
        for p, w in inputs[t]:
            m[p] -= w
        for p, w in outputs[t]:
            m[p] += w
        if labels[t] is not None:
            trace.append(labels[t])
            if len(trace) > max_len:
                return None
    return None


def noisy(trace, rng, p, alphabet):
    out = []
    i = 0
    while i < len(trace):
        e = trace[i]
        if rng.random() < p:
            kind = rng.randrange(4)
            if kind == 0:
                i += 1
                continue
            if kind == 1 and i + 1 < len(trace):
                out += [trace[i + 1], e]
                i += 2
                continue
            if kind == 2:
                out.append(rng.choice(alphabet))
                i += 1
                continue
            out += [e, rng.choice(alphabet)]
            i += 1
            continue
        out.append(e)
        i += 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("net")
    ap.add_argument("out")
    ap.add_argument("--traces", type=int, default=100)
    ap.add_argument("--min-len", type=int, default=200)
    ap.add_argument("--max-len", type=int, default=1000)
    ap.add_argument("--noise", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.traces < 1 or a.min_len < 0 or a.max_len < a.min_len or not 0 <= a.noise <= 1:
        sys.exit("long_log.py: need --traces >= 1, 0 <= --min-len <= --max-len and 0 <= --noise <= 1")
    try:
        net = read_pnml(a.net)
    except (OSError, ET.ParseError) as e:
        sys.exit(f"long_log.py: {a.net}: {e}")
    if not any(net[4]):
        sys.exit(f"long_log.py: {a.net} has no final marking (a <finalmarkings> place with tokens)")
    alphabet = sorted({l for l in net[0] if l is not None})
    if not alphabet:
        sys.exit(f"long_log.py: {a.net} has no visible transition")
    rng = random.Random(a.seed)
    traces, tries = [], 0
    while len(traces) < a.traces:
        tries += 1
        if tries > 1000 * a.traces:
            sys.exit(f"long_log.py: {tries} runs drawn, {len(traces)} of {a.min_len}-{a.max_len} events")
        t = run(net, rng, a.max_len)
        if t is not None and len(t) >= a.min_len:
            traces.append(noisy(t, rng, a.noise, alphabet))
    body = ['<?xml version="1.0" encoding="utf-8" ?>\n<log>\n',
            '\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext" />\n']
    for i, t in enumerate(traces):
        body.append(f'\t<trace>\n\t\t<string key="concept:name" value="long {i + 1}" />\n')
        for e in t:
            body.append(f'\t\t<event><string key="concept:name" value={quoteattr(e)} /></event>\n')
        body.append("\t</trace>\n")
    body.append("</log>\n")
    with open(a.out, "wb") as f:
        f.write(gzip.compress("".join(body).encode(), mtime=0))
    lens = sorted(len(t) for t in traces)
    print(f"{a.out}: {len(traces)} traces, {sum(lens)} events, length {lens[0]}-{lens[-1]} "
          f"(median {lens[len(lens) // 2]}), {tries} runs drawn", file=sys.stderr)


if __name__ == "__main__":
    main()
